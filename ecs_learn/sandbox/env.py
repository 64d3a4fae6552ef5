"""The fixed identity of the mocked account, and the process environment it needs."""

from __future__ import annotations

import os

__all__ = [
    "ACCOUNT_ID",
    "ENDPOINT_ENV",
    "FAKE_ACCESS_KEY",
    "REGION",
    "isolate_environment",
    "restore_environment",
]

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"
FAKE_ACCESS_KEY = "testing"
ENDPOINT_ENV = "ECS_LEARN_ENDPOINT"

# Anything that could point botocore at real credentials or a real endpoint.
_REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CA_BUNDLE",
)
_SET = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "MOTO_EC2_LOAD_DEFAULT_AMIS",
)


def restore_environment(saved: dict[str, str | None]) -> None:
    """Put back the variables :func:`isolate_environment` changed."""
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def isolate_environment(endpoint: str | None) -> dict[str, str | None]:
    """Point every boto3 client made from now on at the sandbox, with fake credentials.

    ``endpoint`` is the (already validated) loopback URL of a moto server, or ``None``
    in embedded mode. Must run before any client exists; callers also drop boto3's
    default session so that plain ``boto3.client(...)`` picks these values up. Returns
    the previous values, for :func:`restore_environment`.
    """
    touched = (*_REMOVED, *_SET, "AWS_ENDPOINT_URL", ENDPOINT_ENV)
    saved = {name: os.environ.get(name) for name in touched}
    for name in _REMOVED:
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ACCESS_KEY_ID=FAKE_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=FAKE_ACCESS_KEY,
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        # 1,300 default AMIs make every EC2 reset 25x slower; no lab needs them yet.
        MOTO_EC2_LOAD_DEFAULT_AMIS="false",
    )
    if endpoint is None:
        os.environ.pop("AWS_ENDPOINT_URL", None)
    else:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        os.environ[ENDPOINT_ENV] = endpoint
    return saved
