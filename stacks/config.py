"""The app's configuration: the ``eksEnvelopeSecrets`` context of ``cdk.json``, validated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from eks_envelope_secrets.envelope_encrypted_cluster import validate_public_access_cidrs
from eks_envelope_secrets.kubernetes_names import (
    validate_dns1123_subdomain,
    validate_eks_cluster_name,
    validate_secret_keys,
    validate_workload_namespace,
)
from eks_envelope_secrets.secret_mount_demo_chart import DEFAULT_IMAGE
from eks_envelope_secrets.secrets_encryption_key import (
    DEFAULT_ROTATION_DAYS,
    MAX_ROTATION_DAYS,
    MIN_ROTATION_DAYS,
)

CONTEXT_KEY = "eksEnvelopeSecrets"

SUPPORTED_KUBERNETES_VERSIONS = ("1.32", "1.33", "1.34", "1.35", "1.36")
"""Versions EKS supports (standard or extended) as of December 2026 that aws_eks_v2 knows."""

DEFAULT_KUBERNETES_VERSION = "1.35"
"""In EKS standard support until March 2027; cdk8s-plus-35 matches it."""


def _named(validator: Any, field: str) -> AfterValidator:
    return AfterValidator(lambda value: validator(field, value))


def _kubernetes_version(value: str) -> str:
    if value not in SUPPORTED_KUBERNETES_VERSIONS:
        raise ValueError(
            f"{value!r} is not a Kubernetes version EKS supports here: use one of "
            f"{', '.join(SUPPORTED_KUBERNETES_VERSIONS)}."
        )
    return value


class AppConfig(BaseModel):
    """Everything that varies between deployments of this app; nothing secret."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True
    )

    cluster_name: Annotated[str, _named(validate_eks_cluster_name, "clusterName")] = Field(
        "gen-ai", description="the EKS cluster name, e.g. 'gen-ai'"
    )
    kubernetes_version: Annotated[str, AfterValidator(_kubernetes_version)] = Field(
        DEFAULT_KUBERNETES_VERSION, description="a supported minor version such as '1.35'"
    )
    account: str | None = Field(
        None,
        pattern=r"^\d{12}$",
        description="a 12-digit AWS account id, or null for an environment-agnostic app",
    )
    region: str | None = Field(
        None,
        pattern=r"^[a-z]{2}(-[a-z]+)+-\d$",
        description="an AWS region such as 'eu-west-1', or null for an environment-agnostic app",
    )
    availability_zones: list[str] = Field(
        default_factory=list,
        description="two or more zones of the region, e.g. ['eu-west-1a', 'eu-west-1b']; "
        "required with a region, so synth needs no availability-zone lookup",
    )
    public_access_cidrs: list[str] = Field(
        default_factory=list,
        description="CIDR blocks allowed to reach a public API endpoint; [] keeps it private",
    )
    allow_public_access_from_anywhere: bool = Field(
        False, description="true only to allow '0.0.0.0/0' in publicAccessCidrs"
    )
    deployer_role_arn: str | None = Field(
        None,
        pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$",
        description="the ARN of the IAM role that runs kubectl (CI), "
        "e.g. 'arn:aws:iam::123456789012:role/deployer'",
    )
    cluster_admin_role_arns: list[
        Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
    ] = Field(default_factory=list, description="IAM role ARNs given cluster-admin access")
    key_admin_role_arns: list[
        Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
    ] = Field(default_factory=list, description="IAM role ARNs that administer the KMS key")
    key_rotation_days: int = Field(
        DEFAULT_ROTATION_DAYS,
        ge=MIN_ROTATION_DAYS,
        le=MAX_ROTATION_DAYS,
        description=f"whole days from {MIN_ROTATION_DAYS} to {MAX_ROTATION_DAYS}",
    )
    namespace: Annotated[str, _named(validate_workload_namespace, "namespace")] = Field(
        "gen-ai", description="a DNS-1123 label other than 'default', e.g. 'gen-ai'"
    )
    secret_name: Annotated[str, _named(validate_dns1123_subdomain, "secretName")] = Field(
        "gen-ai", description="a DNS-1123 subdomain, e.g. 'gen-ai'"
    )
    secret_keys: Annotated[list[str], _named(validate_secret_keys, "secretKeys")] = Field(
        default_factory=lambda: ["GEN_AI_KEY"],
        description="one or more distinct environment-variable names, e.g. ['GEN_AI_KEY']",
    )
    demo_image: str = Field(
        DEFAULT_IMAGE,
        pattern=r"^[a-z0-9.-]+(:[0-9]+)?/[^:@\s]+(:[\w][\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$",
        description="an image with its registry, pinned by a tag other than 'latest' or by "
        "digest, e.g. 'public.ecr.aws/docker/library/busybox:1.37.0'",
    )

    @model_validator(mode="after")
    def _public_endpoint_is_deliberate(self) -> AppConfig:
        validate_public_access_cidrs(
            "publicAccessCidrs",
            self.public_access_cidrs,
            allow_anywhere=self.allow_public_access_from_anywhere,
            opt_in='"allowPublicAccessFromAnywhere": true',
        )
        return self

    @model_validator(mode="after")
    def _image_is_pinned(self) -> AppConfig:
        tag = self.demo_image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2]
        if tag in ("", "latest") and "@sha256:" not in self.demo_image:
            raise ValueError(
                "demoImage: pin the image by a tag other than 'latest' or by digest, e.g. "
                "'public.ecr.aws/docker/library/busybox:1.37.0'."
            )
        return self

    @model_validator(mode="after")
    def _one_access_entry_per_role(self) -> AppConfig:
        if self.deployer_role_arn and self.deployer_role_arn in self.cluster_admin_role_arns:
            raise ValueError(
                "deployerRoleArn is also in clusterAdminRoleArns: EKS allows one access entry per "
                "role; list it in one place only."
            )
        return self

    @model_validator(mode="after")
    def _region_pins_zones(self) -> AppConfig:
        if (self.account is None) != (self.region is None):
            raise ValueError(
                "account and region: set both (an environment-specific app) or neither "
                "(environment-agnostic)."
            )
        if self.region is not None and len(self.availability_zones) < 2:
            raise ValueError(
                "availabilityZones: with a region set, list two or more of its zones, e.g. "
                f"['{self.region}a', '{self.region}b'], so synth needs no AWS lookup."
            )
        foreign = [
            zone for zone in self.availability_zones if not zone.startswith(self.region or "")
        ]
        if self.region is not None and foreign:
            raise ValueError(
                f"availabilityZones: {', '.join(foreign)} not in region {self.region}; "
                "list zones of that region."
            )
        return self

    @classmethod
    def from_context(cls, context: Any) -> AppConfig:
        """Validate the context value; raise ConfigError naming each bad field and its fix."""
        if context is None:
            context = {}
        if not isinstance(context, dict):
            raise ConfigError(
                [
                    f'"{CONTEXT_KEY}" must be a JSON object of settings, not {type(context).__name__}.'
                ]
            )
        try:
            return cls.model_validate(context)
        except ValidationError as error:
            raise ConfigError([_describe(item) for item in error.errors()]) from None

    @classmethod
    def from_cdk_json(cls, cdk_json: Path) -> AppConfig:
        """Read the same settings as ``cdk synth`` does, for the cdk8s app."""
        context = json.loads(cdk_json.read_text(encoding="utf-8")).get("context", {})
        return cls.from_context(context.get(CONTEXT_KEY))


class ConfigError(ValueError):
    """Bad configuration, reported before anything is synthesized or deployed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f'Invalid configuration in cdk.json context "{CONTEXT_KEY}":\n{lines}\n'
            "Fix these values in cdk.json and synthesize again."
        )


def _describe(error: Any) -> str:
    """One line per problem: the field, what is wrong, and what is expected, never the input."""
    path = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
    ).lstrip(".")
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        known = ", ".join(
            sorted(field.alias or name for name, field in AppConfig.model_fields.items())
        )
        return f"{path}: unknown setting; remove it or use one of: {known}."
    if not path:
        return message
    field = AppConfig.model_fields.get(str(error["loc"][0]))
    if field is None:
        field = next(
            (f for f in AppConfig.model_fields.values() if f.alias == error["loc"][0]), None
        )
    expected = f" Expected {field.description}." if field and field.description else ""
    return f"{path}: {message}.{expected}".replace("..", ".")
