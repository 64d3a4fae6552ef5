"""What the EC2 launch type needs from the mocked account, fixed in this one place.

* **The ECS-optimized AMIs.** moto answers the public SSM parameters
  ``/aws/service/ecs/optimized-ami/<os>/.../recommended[/image_id]`` (AWS's documented way
  to find the AMI: "Retrieving Amazon ECS-optimized Linux AMI metadata",
  retrieve-ecs-optimized_AMI.html), but with ``MOTO_EC2_LOAD_DEFAULT_AMIS=false`` (the
  sandbox's setting: 1,300 default AMIs make every reset slow) the images they name do
  not exist: ``describe_images`` says InvalidAMIID.NotFound. :func:`seed` adds just the
  recommended images (Amazon Linux 2023 and 2, x86_64 and arm64, their GPU/kernel
  variants) from moto's own data, owned by ``amazon`` as on AWS. It costs about a
  millisecond and runs after every reset, embedded and in the server process.
* **Container instance registration.** moto's ``RegisterContainerInstance`` ignores
  ``totalResources`` and ``attributes`` and registers every instance with 4096 CPU units
  and 7482 MiB. :func:`install` makes it honour both, as the API documents
  (API_RegisterContainerInstance.html), so a t3.micro registers what a t3.micro has.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.sandbox.env import ACCOUNT_ID, REGION

__all__ = ["ECS_AMI_PARAMETER_PREFIX", "install", "recommended_image_ids", "seed"]

ECS_AMI_PARAMETER_PREFIX = "/aws/service/ecs/optimized-ami/"
_LINUX_FAMILIES = ("amazon-linux-2023", "amazon-linux-2")


def _recommended(node: Mapping[str, Any], path: str) -> Iterator[tuple[str, str]]:
    for key, child in node.items():
        if not isinstance(child, Mapping):
            continue
        here = f"{path}/{key}"
        image = child.get("image_id") if key == "recommended" else None
        if isinstance(image, Mapping) and isinstance(image.get("Value"), str):
            yield f"{here}/image_id", image["Value"]
        elif not key.startswith("ami-"):
            yield from _recommended(child, here)


@functools.lru_cache(maxsize=1)
def recommended_image_ids() -> dict[str, str]:
    """``{SSM parameter path: AMI id}`` for the recommended ECS-optimized Linux AMIs."""
    from moto.utilities.utils import load_resource

    tree = load_resource(f"ssm/resources/ecs/optimized_amis/{REGION}.json")
    root = tree["aws"]["service"]["ecs"]["optimized-ami"]
    found: dict[str, str] = {}
    for family in _LINUX_FAMILIES:
        for path, image in _recommended(root.get(family, {}), family):
            found[f"{ECS_AMI_PARAMETER_PREFIX}{path}"] = image
    return found


@functools.lru_cache(maxsize=1)
def _image_records() -> dict[str, dict[str, Any]]:
    from moto.utilities.utils import load_resource

    wanted = set(recommended_image_ids().values())
    records: list[dict[str, Any]] = load_resource(f"ec2/resources/ecs/optimized_amis/{REGION}.json")
    return {r["ami_id"]: r for r in records if r["ami_id"] in wanted}


def seed() -> None:
    """Add the recommended ECS-optimized AMIs to moto's EC2 in this process (idempotent)."""
    from moto.core.parse import default_timestamp_parser
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.amis import Ami

    backend = ec2_backends[ACCOUNT_ID][REGION]
    for ami_id, record in _image_records().items():
        if ami_id in backend.amis:
            continue
        data = copy.deepcopy(record)
        data["owner_alias"] = "amazon"
        if isinstance(data.get("creation_date"), str):
            data["creation_date"] = default_timestamp_parser(data["creation_date"])
        data.pop("tags", None)
        backend.amis[ami_id] = Ami(backend, **data)


def _resource(name: str, value: Any, kind: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "doubleValue": 0.0,
        "integerValue": 0,
        "longValue": 0,
        "name": name,
        "type": kind,
    }
    if kind == "STRINGSET":
        entry["stringSetValue"] = [str(v) for v in value]
    else:
        entry["integerValue"] = int(value)
    return entry


def _honour_registration(instance: Any, params: Mapping[str, Any]) -> None:
    """Apply ``totalResources`` and ``attributes`` of a RegisterContainerInstance call."""
    given = {str(r.get("name")): r for r in params.get("totalResources") or []}
    if given:
        registered = []
        for current in instance.registered_resources:
            sent = given.get(current["name"])
            if sent is None:
                registered.append(current)
            elif current["type"] == "STRINGSET":
                registered.append(
                    _resource(current["name"], sent.get("stringSetValue", []), "STRINGSET")
                )
            else:
                registered.append(
                    _resource(current["name"], sent.get("integerValue", 0), "INTEGER")
                )
        instance.registered_resources = registered
        instance.remaining_resources = copy.deepcopy(registered)
    for attribute in params.get("attributes") or []:
        instance.attributes[str(attribute["name"])] = attribute.get("value")


def install() -> None:
    """Make moto's RegisterContainerInstance honour totalResources/attributes (idempotent)."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.register_container_instance
    if getattr(original, "_ecs_learn", False):
        return

    def register_container_instance(self: Any) -> Any:
        answer = original(self)
        result = getattr(answer, "result", None)
        instance = result.get("containerInstance") if isinstance(result, dict) else None
        if instance is not None:
            _honour_registration(
                instance,
                {
                    "totalResources": self._get_param("totalResources"),
                    "attributes": self._get_param("attributes"),
                },
            )
        return answer

    register_container_instance._ecs_learn = True  # type: ignore[attr-defined]
    EC2ContainerServiceResponse.register_container_instance = register_container_instance  # type: ignore[method-assign]
