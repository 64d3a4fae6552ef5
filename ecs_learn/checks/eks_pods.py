"""Which pods EKS runs on Fargate: a pure function over manifests and Fargate profiles.

EKS schedules a pod on Fargate when it matches a selector of one of the cluster's Fargate
profiles ("Define which Pods use AWS Fargate when launched", fargate-profile.html):

* a selector matches when the pod's namespace equals the selector's ``namespace`` and the
  pod carries **every** label of the selector's ``labels`` (a selector without labels
  takes every pod of its namespace);
* a profile matches when **any** of its selectors does;
* when several profiles match, EKS picks one; the pod label
  ``eks.amazonaws.com/fargate-profile: NAME`` names the one to use, and the pod must still
  match a selector of that profile;
* a pod that matches no profile goes to the cluster's nodes (EC2), or stays Pending if
  there are none. DaemonSet pods never run on Fargate.

The profiles are the dicts ``describe_fargate_profile`` returns (``fargateProfileName``,
``selectors``, ``status``); the manifests are the Python dicts of Kubernetes objects
(``kind``, ``metadata``, and for workloads ``spec.template.metadata``). A pod without a
namespace is in ``default``, as in Kubernetes. Wildcards in selectors are not modelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "EXAMPLE_PODS",
    "PROFILE_LABEL",
    "REPORTS_POD",
    "PodIdentity",
    "fargate_profile_for",
    "placement",
    "pod_identity",
    "selector_matches",
]

PROFILE_LABEL = "eks.amazonaws.com/fargate-profile"
_WORKLOADS = ("Deployment", "StatefulSet", "ReplicaSet", "Job", "DaemonSet")

Placement = Literal["fargate", "nodes"]


@dataclass(frozen=True)
class PodIdentity:
    """What a Fargate profile looks at: the pod's namespace and labels (and its kind)."""

    name: str
    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)
    kind: str = "Pod"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def pod_identity(manifest: Mapping[str, Any]) -> PodIdentity:
    """The namespace and labels of the pods a manifest creates (a Pod, or a workload's template)."""
    kind = str(manifest.get("kind") or "Pod")
    meta = _mapping(manifest.get("metadata"))
    labels = _mapping(meta.get("labels"))
    if kind in _WORKLOADS:  # the pods get the template's labels, in the object's namespace
        template = _mapping(_mapping(manifest.get("spec")).get("template"))
        labels = _mapping(_mapping(template.get("metadata")).get("labels"))
    return PodIdentity(
        name=str(meta.get("name") or ""),
        namespace=str(meta.get("namespace") or "default"),
        labels={str(k): str(v) for k, v in labels.items()},
        kind=kind,
    )


def selector_matches(selector: Mapping[str, Any], pod: PodIdentity) -> bool:
    """Same namespace, and every label of the selector present with the same value."""
    if selector.get("namespace") != pod.namespace:
        return False
    wanted = _mapping(selector.get("labels"))
    return all(pod.labels.get(str(k)) == str(v) for k, v in wanted.items())


def _profile_matches(profile: Mapping[str, Any], pod: PodIdentity) -> bool:
    selectors = profile.get("selectors") or []
    return any(selector_matches(s, pod) for s in selectors if isinstance(s, Mapping))


def fargate_profile_for(
    manifest: Mapping[str, Any] | PodIdentity, profiles: Iterable[Mapping[str, Any]]
) -> str | None:
    """The name of the Fargate profile that takes the pod, or ``None`` (it goes to nodes).

    Only ACTIVE profiles schedule pods. Of several matching profiles the first by name is
    returned (EKS's own choice is arbitrary); the ``eks.amazonaws.com/fargate-profile``
    label, when present, decides.
    """
    pod = manifest if isinstance(manifest, PodIdentity) else pod_identity(manifest)
    if pod.kind == "DaemonSet":
        return None
    active = [p for p in profiles if p.get("status", "ACTIVE") == "ACTIVE"]
    matching = sorted(str(p.get("fargateProfileName")) for p in active if _profile_matches(p, pod))
    chosen = pod.labels.get(PROFILE_LABEL)
    if chosen is not None:
        return chosen if chosen in matching else None
    return matching[0] if matching else None


def placement(
    manifest: Mapping[str, Any] | PodIdentity, profiles: Iterable[Mapping[str, Any]]
) -> Placement:
    """``"fargate"`` or ``"nodes"``."""
    return "fargate" if fargate_profile_for(manifest, profiles) is not None else "nodes"


def _pod(name: str, namespace: str | None, labels: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": labels}
    if namespace is not None:
        meta["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": name, "image": "public.ecr.aws/docker/library/busybox"}]},
    }


def _workload(kind: str, name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    api = "batch/v1" if kind == "Job" else "apps/v1"
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": name, "image": "public.ecr.aws/nginx/nginx"}]},
            }
        },
    }


# The manifests of lab 07's placement exercise (the check compares the learner's prediction
# for each with what their own Fargate profiles do to it).
EXAMPLE_PODS: tuple[dict[str, Any], ...] = (
    _workload("Job", "nightly-report", "batch", {"app": "nightly-report"}),
    _workload("Deployment", "frontend", "web", {"app": "frontend", "compute": "fargate"}),
    _workload("Deployment", "frontend-canary", "web", {"app": "frontend", "track": "canary"}),
    _pod("redis", "default", {"app": "redis", "compute": "fargate"}),
    _workload("DaemonSet", "log-agent", "batch", {"app": "log-agent"}),
    _pod("batch-debug", None, {"app": "batch-debug"}),
)

# The pods the repair exercise's Fargate profile must take.
REPORTS_POD: dict[str, Any] = _workload(
    "Deployment", "monthly-close", "reports", {"app": "monthly-close", "team": "finance"}
)
