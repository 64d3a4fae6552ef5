# The grader: `docker run --privileged -v $PWD:/data ecs-learn-grader grade /data/submissions --lab 01 ...`
# (--privileged, or CAP_SYS_ADMIN, lets each submission run in its own namespaces; see docs/grading.md)
FROM python:3.11-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        util-linux iproute2 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/ecs-learn
COPY . .
RUN pip install --no-cache-dir . && python -c "import ecs_learn.grading.grade"
WORKDIR /data
ENTRYPOINT ["ecs-learn"]
CMD ["grade", "--help"]
