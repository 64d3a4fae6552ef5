"""moto extensions for auto scaling and ECR lifecycle, in this one place.

Applied by :func:`install` in-process (embedded mode) and in the moto server process (both run
``quirks.apply_embedded``); the server routes ``POST /ecs-learn/ext/scaling`` to
:func:`handle_server_request`.

* **Target-tracking alarms** (moto 5.2: threshold always 6, ALBRequestCountPerTarget watched as
  CPUUtilization, no DatapointsToAlarm): remade as AWS makes them — ``AlarmHigh`` metric >
  TargetValue, 3 of 3 datapoints (60 s; 20 s for the HighResolution metric types), ``AlarmLow``
  metric < 0.9 x TargetValue, 15 of 15 one-minute datapoints, none with DisableScaleIn;
  RequestCountPerTarget (Sum) on the target group of the ResourceLabel. Source and caveats:
  ``ecs_learn.runtime.scaling.policies``.
* **Step scaling policies' Alarms** (moto: always ``[]``): described from the alarms whose
  AlarmActions name the policy, as AWS does.
* **DescribeScalingActivities** (moto: not implemented): answered from the activities the
  runtime records with :func:`record_activities` (AWS has no API that writes them: AAS itself
  does), newest first, filtered by ResourceId/ScalableDimension, paginated.
* **ECR Start/GetLifecyclePolicyPreview** (moto: not implemented): answered here, evaluated by
  the lifecycle evaluator the runtime registers when it attaches (:func:`set_lifecycle_evaluator`;
  the sandbox never imports the runtime, which sits on it) at the virtual clock's time
  (:func:`set_clock`; real time until the runtime sets one).
* **Push times on the virtual clock**: an image pushed while the runtime's clock is known
  (:func:`set_clock`, called by the runtime at reset, ``set_time`` and every ``advance``) gets
  that time as ``imagePushedAt``, so ``sinceImagePushed`` counts virtual days.
* **Immutable tags**: a re-push of an existing tag with a new image raises
  ``ImageTagAlreadyExistsException`` as the ECR API documents (moto raised
  ImageAlreadyExistsException, which is for an unchanged re-push).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ecs_learn.sandbox.env import ACCOUNT_ID, REGION

__all__ = [
    "EXT_PATH",
    "LifecycleEvaluator",
    "handle_server_request",
    "install",
    "record_activities",
    "set_clock",
    "set_lifecycle_evaluator",
    "virtual_now",
]

EXT_PATH = "/ecs-learn/ext/scaling"
# PredefinedMetricType -> (namespace, metric, statistic, AlarmHigh period); mirrors
# ecs_learn.runtime.scaling.metrics.PREDEFINED (a test keeps them equal).
TRACKED: dict[str, tuple[str, str, str, int]] = {
    "ECSServiceAverageCPUUtilization": ("AWS/ECS", "CPUUtilization", "Average", 60),
    "ECSServiceAverageMemoryUtilization": ("AWS/ECS", "MemoryUtilization", "Average", 60),
    "ALBRequestCountPerTarget": ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum", 60),
    "ECSServiceAverageCPUUtilizationHighResolution": ("AWS/ECS", "CPUUtilization", "Average", 20),
    "ECSServiceAverageMemoryUtilizationHighResolution": (
        "AWS/ECS",
        "MemoryUtilization",
        "Average",
        20,
    ),
}
_clock: dict[str, dt.datetime] = {}

# (policy text, describe_images items with every tag of a digest, now) -> the preview's
# ``previewResults`` and ``summary`` (imagePushedAt as datetimes).
LifecycleEvaluator = Callable[[str, Sequence[Mapping[str, Any]], dt.datetime], dict[str, Any]]
_evaluator: dict[str, LifecycleEvaluator] = {}


def set_lifecycle_evaluator(evaluate: LifecycleEvaluator | None) -> None:
    """Register how ECR evaluates a lifecycle policy for GetLifecyclePolicyPreview (the
    runtime does, when it attaches in the process that holds the account); ``None`` clears."""
    if evaluate is None:
        _evaluator.pop("lifecycle", None)
    else:
        _evaluator["lifecycle"] = evaluate


def set_clock(endpoint: str | None, now: dt.datetime) -> None:
    """Tell the sandbox the virtual clock's time (used by lifecycle previews)."""
    _send(endpoint, {"clock": now.timestamp()})


def record_activities(endpoint: str | None, activities: Sequence[Mapping[str, Any]]) -> None:
    """Add scaling activities (``ScalingActivities`` items; times as datetimes or epoch)."""
    items = [
        {k: (v.timestamp() if isinstance(v, dt.datetime) else v) for k, v in a.items()}
        for a in activities
    ]
    if items:
        _send(endpoint, {"activities": items})


def _send(endpoint: str | None, body: dict[str, Any]) -> None:
    if endpoint is None:
        _apply(body)
        return
    request = urllib.request.Request(
        f"{endpoint}{EXT_PATH}", data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10):  # loopback only (validated endpoint)
        pass


def _apply(body: Mapping[str, Any]) -> None:
    if "clock" in body:
        _clock["now"] = dt.datetime.fromtimestamp(float(body["clock"]), dt.timezone.utc)
    if body.get("activities"):
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        backend = applicationautoscaling_backends[ACCOUNT_ID][REGION]
        store: list[dict[str, Any]] = backend.__dict__.setdefault("_ecs_learn_activities", [])
        store.extend(dict(a) for a in body["activities"])


def virtual_now() -> float | None:
    """The runtime's virtual time (epoch seconds) when it runs in this process, else ``None``.

    ``fidelity`` stamps pushed images with it (in push order), so lifecycle rules on
    ``sinceImagePushed`` follow the virtual clock.
    """
    now = _clock.get("now")
    return now.timestamp() if now is not None else None


def handle_server_request(environ: Mapping[str, Any]) -> tuple[str, int]:
    """The server process's handler for ``POST /ecs-learn/ext/scaling``: (body, status)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        _apply(body)
    except (ValueError, KeyError, TypeError) as exc:
        return f"bad request: {exc}", 400
    return "ok", 200


# -- Application Auto Scaling ------------------------------------------------------------
def _ecs_alarms(policy: Any) -> list[Any]:
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.moto_api._internal import mock_random

    cloudwatch = cloudwatch_backends[policy.account_id][policy.region_name]
    config = policy.target_tracking_scaling_policy_configuration or {}
    spec = config.get("PredefinedMetricSpecification") or {}
    kind = str(spec.get("PredefinedMetricType", "ECSServiceAverageCPUUtilization"))
    namespace, metric, statistic, period = TRACKED.get(
        kind, TRACKED["ECSServiceAverageCPUUtilization"]
    )
    parts = policy.resource_id.split("/")
    dims = [{"Name": "ClusterName", "Value": parts[1]}, {"Name": "ServiceName", "Value": parts[-1]}]
    if kind == "ALBRequestCountPerTarget":
        label = str(spec.get("ResourceLabel") or "")
        tg = label.split("/targetgroup/", 1)
        dims = [{"Name": "TargetGroup", "Value": f"targetgroup/{tg[1]}"}] if len(tg) == 2 else []
    target = float(config.get("TargetValue", 0.0))
    action = f"{policy.policy_arn}:createdBy/{mock_random.uuid4()}"
    token = mock_random.uuid4()
    shapes = [("AlarmHigh", "GreaterThanThreshold", target, period, 3)]
    if not config.get("DisableScaleIn"):
        shapes.append(("AlarmLow", "LessThanThreshold", round(target * 0.9, 6), 60, 15))
    alarms = []
    for suffix, comparison, threshold, seconds, points in shapes:
        alarms.append(
            cloudwatch.put_metric_alarm(
                name=f"TargetTracking-{policy.resource_id}-{suffix}-{token}",
                namespace=namespace,
                metric_name=metric,
                metric_data_queries=[],
                comparison_operator=comparison,
                evaluation_periods=points,
                datapoints_to_alarm=points,
                period=seconds,
                threshold=threshold,
                statistic=statistic,
                description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {action}.",
                dimensions=dims,
                alarm_actions=[action],
                unit="Percent" if namespace == "AWS/ECS" else None,
            )
        )
    return alarms


def _alarms_of(policy: Any) -> list[dict[str, str]]:
    from moto.cloudwatch.models import cloudwatch_backends

    if policy.alarms:
        return [{"AlarmARN": a.alarm_arn, "AlarmName": a.name} for a in policy.alarms]
    cloudwatch = cloudwatch_backends[policy.account_id][policy.region_name]
    return [
        {"AlarmARN": a.alarm_arn, "AlarmName": a.name}
        for a in cloudwatch.alarms.values()
        if any(str(x).startswith(policy.policy_arn) for x in a.alarm_actions or [])
    ]


def _describe_scaling_activities(self: Any) -> str:
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    backend = applicationautoscaling_backends[self.current_account][self.region]
    found = [
        a
        for a in reversed(backend.__dict__.get("_ecs_learn_activities", []))
        if a.get("ServiceNamespace") == self._get_param("ServiceNamespace")
        and (
            not self._get_param("ResourceId")
            or a.get("ResourceId") == self._get_param("ResourceId")
        )
        and (
            not self._get_param("ScalableDimension")
            or a.get("ScalableDimension") == self._get_param("ScalableDimension")
        )
    ]
    size = int(self._get_param("MaxResults") or 50)
    start = int(self._get_param("NextToken") or 0)
    page = found[start : start + size]
    answer: dict[str, Any] = {"ScalingActivities": page}
    if start + size < len(found):
        answer["NextToken"] = str(start + size)
    return json.dumps(answer)


# -- ECR --------------------------------------------------------------------------------
def _previews(backend: Any) -> dict[str, dict[str, Any]]:
    store: dict[str, dict[str, Any]] = backend.__dict__.setdefault("_ecs_learn_previews", {})
    return store


def _ecr_error(code: str, message: str) -> Exception:
    """A moto ECR error (its module tells moto's serializer which service model to use)."""
    from moto.core.exceptions import ServiceException

    kind = type(code, (ServiceException,), {"code": code, "__module__": "moto.ecr.exceptions"})
    error: Exception = kind(message)
    return error


def _start_preview(self: Any) -> str:
    from moto.ecr.exceptions import LifecyclePolicyNotFoundException

    name = self._get_param("repositoryName")
    registry = self._get_param("registryId") or self.current_account
    repo = self.ecr_backend._get_repository(name, registry)
    text = self._get_param("lifecyclePolicyText") or repo.lifecycle_policy
    if not text:
        raise LifecyclePolicyNotFoundException(repository_name=name, registry_id=registry)
    _previews(self.ecr_backend)[name] = {"text": text, "registry": registry}
    return json.dumps(
        {
            "registryId": registry,
            "repositoryName": name,
            "lifecyclePolicyText": text,
            "status": "IN_PROGRESS",
        }
    )


def _get_preview(self: Any) -> str:
    name = self._get_param("repositoryName")
    registry = self._get_param("registryId") or self.current_account
    repo = self.ecr_backend._get_repository(name, registry)
    preview = _previews(self.ecr_backend).get(name)
    if preview is None:
        raise _ecr_error(
            "LifecyclePolicyPreviewNotFoundException",
            f"There is no running or completed lifecycle policy preview for the repository "
            f"with name '{name}' in the registry with id '{registry}'",
        )
    images = [
        {
            "imageDigest": i.get_image_digest(),
            "imageTags": [t for t in ([i.image_tag] if i.image_tag else [])],
            "imagePushedAt": i.image_pushed_at,
        }
        for i in repo.images
    ]
    merged: dict[str, dict[str, Any]] = {}
    for item in images:
        kept = merged.setdefault(item["imageDigest"], {**item, "imageTags": []})
        kept["imageTags"].extend(item["imageTags"])
    evaluate = _evaluator.get("lifecycle")
    if evaluate is None:
        raise _ecr_error(
            "ServerException",
            "ecs-learn: lifecycle policy previews are evaluated by the runtime, which is not "
            "running next to this account; start the account with ecs_learn.sandbox.get_sandbox()",
        )
    now = _clock.get("now") or dt.datetime.now(dt.timezone.utc)
    results = evaluate(preview["text"], list(merged.values()), now)
    for item in results["previewResults"]:
        item["imagePushedAt"] = item["imagePushedAt"].timestamp()
    return json.dumps(
        {
            "registryId": registry,
            "repositoryName": name,
            "lifecyclePolicyText": preview["text"],
            "status": "COMPLETE",
            **results,
        }
    )


def install() -> None:
    """Patch moto's response classes (idempotent; the same in-process and in the server)."""
    from moto.applicationautoscaling import models as aas_models
    from moto.applicationautoscaling import responses as aas_responses
    from moto.ecr import models as ecr_models
    from moto.ecr.responses import ECRResponse

    if getattr(aas_responses, "_ecs_learn_ext", False):
        return
    aas_models.FakeApplicationAutoscalingPolicy._generate_ecs_alarms = _ecs_alarms  # type: ignore[method-assign,assignment]
    aas_responses._build_alarms = _alarms_of
    aas_responses.ApplicationAutoScalingResponse.describe_scaling_activities = (  # type: ignore[attr-defined]
        _describe_scaling_activities
    )
    ECRResponse.start_lifecycle_policy_preview = _start_preview  # type: ignore[attr-defined]
    ECRResponse.get_lifecycle_policy_preview = _get_preview  # type: ignore[attr-defined]
    original_put = ecr_models.ECRBackend.put_image

    def put_image(
        self: Any,
        repository_name: str,
        image_manifest: str,
        image_tag: str | None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        from moto.ecr.exceptions import ImageAlreadyExistsException

        try:
            return original_put(
                self,
                repository_name,
                image_manifest,
                image_tag,  # type: ignore[arg-type]  # moto takes None (digest-only pushes)
                *args,
                **kwargs,
            )
        except ImageAlreadyExistsException as error:
            repo = self._get_repository(repository_name)
            same = any(
                i.image_tag == image_tag and i.image_manifest == image_manifest for i in repo.images
            )
            if repo.image_tag_mutability == "IMMUTABLE" and not same:
                raise _ecr_error(
                    "ImageTagAlreadyExistsException",
                    f"The image tag '{image_tag}' already exists in the '{repository_name}' "
                    "repository and cannot be overwritten because the repository is immutable.",
                ) from error
            raise

    ecr_models.ECRBackend.put_image = put_image  # type: ignore[method-assign]
    aas_responses._ecs_learn_ext = True  # type: ignore[attr-defined]
