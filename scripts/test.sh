#!/usr/bin/env bash
# Install ecs-learn with its test tools into .venv, then run the whole test suite.
#
# Where this machine allows it (root, util-linux `unshare`, iproute2 `ip`), the suite runs
# inside a network namespace that has only loopback, with real-looking AWS credentials in
# the environment: proof that nothing in ecs-learn reaches AWS or anything else off the
# machine. Elsewhere it runs normally (the network guard tests still prove the same).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The browser test drives JupyterLab in Debian's Chromium (Playwright's own browser
# download cannot work here). Installed when we are root and it is missing; without it
# that one test is skipped and says why.
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser test" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends chromium) >/dev/null \
    || echo "warning: chromium could not be installed; the browser test will be skipped" >&2
fi

export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_DEFAULT_REGION=eu-west-1

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
    && unshare -n true 2>/dev/null; then
  echo "running the tests in a loopback-only network namespace" >&2
  exec unshare -n sh -c 'ip link set lo up && exec .venv/bin/python -m pytest "$@"' sh "$@"
fi
echo "note: no network namespace here; running the tests with the network" >&2
exec .venv/bin/python -m pytest "$@"
