"""A synth-time guard: no CloudFormation template may carry a Kubernetes Secret's value.

A Secret added with ``add_manifest``, ``add_cdk8s_chart``, a ``KubernetesManifest`` or Helm
values is written verbatim into the template, readable by anyone with
``cloudformation:GetTemplate``, and into ``cdk.out`` and git. This CDK validation plugin fails
synthesis instead, naming the resource's construct path and the fix.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import jsii
import yaml

from constructs import Construct, IConstruct

SECRET_DATA_RULE = "KubernetesSecretDataInTemplate"
SECRET_VALUE_RULE = "SecretValueInTemplate"
GUARD_NAME = "eks-envelope-secrets-secret-leak-guard"
_TOKEN = "<token>"
MIN_CHECKED_VALUE_LENGTH = 8
"""Shorter values would match by chance; real API keys are far longer."""


@jsii.implements(cdk.IPolicyValidationPlugin)
class SecretLeakGuard:
    """Fails synthesis when a template holds a Secret's ``data``/``stringData`` or a live value.

    ``EnvelopeEncryptedCluster`` registers it on its app; register it yourself with
    ``Validations.of(app).add_plugins(SecretLeakGuard([...]))`` for apps without that construct.
    """

    def __init__(
        self, secret_variables: Sequence[str] = (), environ: Mapping[str, str] | None = None
    ) -> None:
        """:param secret_variables: environment variables whose values must never reach a
            template; each is checked raw, base64- and hex-encoded when it is set.
        :param environ: where to read those values (default: the process environment).
        """
        self._secret_variables = tuple(secret_variables)
        self._environ = os.environ if environ is None else environ

    @property
    def name(self) -> str:
        """The plugin's name in the validation report."""
        return GUARD_NAME

    @property
    def version(self) -> str:
        """The library's version."""
        from eks_envelope_secrets import __version__

        return __version__

    @property
    def rule_ids(self) -> list[str]:
        """The rules a report may name."""
        return [SECRET_DATA_RULE, SECRET_VALUE_RULE]

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Called by the CDK after synthesis with the paths of every template."""
        violations = [
            violation
            for template_path in context.template_paths
            for violation in self._violations(Path(template_path))
        ]
        return cdk.PolicyValidationPluginReport(success=not violations, violations=violations)

    @classmethod
    def protect(cls, scope: IConstruct, secret_variables: Sequence[str] = ()) -> None:
        """Register the guard on the app (or stage) that holds ``scope``, once per variable set."""
        root = cdk.Stage.of(scope) or scope.node.root
        marker = f"SecretLeakGuard{abs(hash(tuple(secret_variables)))}"
        if root.node.try_find_child(marker) is None:
            Construct(cast(Construct, root), marker)
            cdk.Validations.of(root).add_plugins(cls(secret_variables))

    def _violations(self, template_path: Path) -> Iterator[cdk.PolicyViolation]:
        template = json.loads(template_path.read_text(encoding="utf-8"))
        for logical_id, resource in template.get("Resources", {}).items():
            construct_path = resource.get("Metadata", {}).get("aws:cdk:path", logical_id)
            locations = sorted(
                set(_secret_data_locations(resource.get("Properties", {}), "Properties"))
            )
            if locations:
                yield cdk.PolicyViolation(
                    rule_name=SECRET_DATA_RULE,
                    description=(
                        f"{construct_path} would put a Kubernetes Secret with data or stringData "
                        "into the CloudFormation template, where cloudformation:GetTemplate, "
                        "cdk.out and git can read it."
                    ),
                    fix=(
                        "Synthesize only the Secret's shape (SecretChart) and apply its values at "
                        "deploy time with eks-envelope-secrets-apply, never through "
                        "add_manifest, add_cdk8s_chart, KubernetesManifest or Helm values."
                    ),
                    violating_resources=[
                        cdk.PolicyViolatingResource(
                            resource_logical_id=logical_id,
                            template_path=str(template_path),
                            locations=locations,
                        )
                    ],
                )
        yield from self._value_violations(template, template_path)

    def _value_violations(
        self, template: dict[str, Any], template_path: Path
    ) -> Iterator[cdk.PolicyViolation]:
        """A guarded value anywhere: resources, outputs, parameters, metadata, mappings."""
        for section, body in template.items():
            entries = body.items() if isinstance(body, dict) else [(section, body)]
            for name, entry in entries:
                where = (
                    entry.get("Metadata", {}).get("aws:cdk:path", name)
                    if isinstance(entry, dict) and section == "Resources"
                    else f"{section}/{name}"
                )
                for variable in self._leaked_variables(json.dumps(entry)):
                    yield cdk.PolicyViolation(
                        rule_name=SECRET_VALUE_RULE,
                        description=(
                            f"{where} contains the value of the environment variable "
                            f"{variable} (raw or encoded)."
                        ),
                        fix=(
                            f"Do not pass {variable}'s value to any construct; supply it at "
                            "deploy time with eks-envelope-secrets-apply, which streams it to "
                            "kubectl."
                        ),
                        violating_resources=[
                            cdk.PolicyViolatingResource(
                                resource_logical_id=str(name),
                                template_path=str(template_path),
                                locations=[section],
                            )
                        ],
                    )

    def _leaked_variables(self, text: str) -> Iterator[str]:
        for variable in self._secret_variables:
            value = self._environ.get(variable, "")
            if len(value) >= MIN_CHECKED_VALUE_LENGTH and any(
                form in text for form in encodings(value)
            ):
                yield variable


def encodings(value: str) -> set[str]:
    """The forms in which a value can hide in a text: raw, JSON-escaped, base64 (any offset), hex."""
    raw = value.encode("utf-8")
    forms = {value, json.dumps(value)[1:-1], raw.hex()}
    for offset in range(3):
        # In a longer base64 text the value's bytes start at any offset modulo 3; the middle of
        # its encoding is the same whatever surrounds it.
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii")
        stable = encoded[4 if offset else 0 : -4]
        for alphabet in (stable, stable.replace("+", "-").replace("/", "_")):
            if alphabet:
                forms.add(alphabet)
    return forms


def _secret_data_locations(value: Any, location: str) -> Iterator[str]:
    """Where a Kubernetes Secret with data sits in a property tree, inside JSON/YAML strings too."""
    if isinstance(value, dict):
        intrinsic = _joined(value)
        if intrinsic is not None:
            yield from _secret_data_locations(intrinsic, location)
            return
        if _is_secret_with_data(value):
            yield location
        for key, child in value.items():
            yield from _secret_data_locations(child, f"{location}/{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _secret_data_locations(child, f"{location}/{index}")
    elif isinstance(value, str) and "Secret" in value:
        for parsed in _parsed_documents(value):
            if isinstance(parsed, (dict, list)):
                yield from _secret_data_locations(parsed, location)


def _is_secret_with_data(value: dict[str, Any]) -> bool:
    return value.get("kind") == "Secret" and bool(value.get("data") or value.get("stringData"))


def _joined(value: dict[str, Any]) -> str | None:
    """``Fn::Join`` as a string, tokens replaced, so a manifest built from parts is still read."""
    if set(value) != {"Fn::Join"}:
        return None
    separator, parts = value["Fn::Join"]
    return str(separator).join(part if isinstance(part, str) else _TOKEN for part in parts)


def _parsed_documents(text: str) -> list[Any]:
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    try:
        return [document for document in yaml.safe_load_all(text) if document is not None]
    except yaml.YAMLError:
        return []
