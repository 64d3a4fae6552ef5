"""Amazon EKS: clusters (their node groups and Fargate profiles go first, as AWS requires),
node groups and Fargate profiles."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import EksPart
from ecs_learn.exercise_reset._common import Client, listed, plural

__all__ = ["remove_eks_cluster", "remove_fargate_profile", "remove_nodegroup"]


def _parts(eks: Any, cluster: str) -> tuple[list[str], list[str]]:
    try:
        groups = eks.list_nodegroups(clusterName=cluster)["nodegroups"]
        profiles = eks.list_fargate_profiles(clusterName=cluster)["fargateProfileNames"]
    except ClientError:  # ResourceNotFound: no such cluster
        return [], []
    return list(groups), list(profiles)


def remove_fargate_profile(client: Client, ref: EksPart) -> str | None:
    eks = client("eks")
    if ref.name not in _parts(eks, ref.cluster)[1]:
        return None
    eks.delete_fargate_profile(clusterName=ref.cluster, fargateProfileName=ref.name)
    return f"Fargate profile {ref.name} of EKS cluster {ref.cluster}"


def remove_nodegroup(client: Client, ref: EksPart) -> str | None:
    eks = client("eks")
    if ref.name not in _parts(eks, ref.cluster)[0]:
        return None
    eks.delete_nodegroup(clusterName=ref.cluster, nodegroupName=ref.name)
    return f"node group {ref.name} of EKS cluster {ref.cluster}"


def remove_eks_cluster(client: Client, name: str) -> str | None:
    eks = client("eks")
    if name not in eks.list_clusters()["clusters"]:
        return None
    groups, profiles = _parts(eks, name)
    for group in groups:
        eks.delete_nodegroup(clusterName=name, nodegroupName=group)
    for profile in profiles:
        eks.delete_fargate_profile(clusterName=name, fargateProfileName=profile)
    eks.delete_cluster(name=name)
    parts = [
        plural(n, w)
        for n, w in ((len(groups), "node group"), (len(profiles), "Fargate profile"))
        if n
    ]
    return f"EKS cluster {name}" + listed(parts)
