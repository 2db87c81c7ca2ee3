"""The destructive-change gate: compares two cloud assemblies and stops changes that lose Secrets.

EKS cannot switch the key of a running cluster, and a deleted key makes every Secret in etcd
unreadable. So a change that deletes or replaces the Secrets key, its alias or the cluster,
weakens the key's protection, or touches the cluster's encryption fails here unless someone
acknowledges it by name. Which property changes replace a resource comes from the
CloudFormation resource schemas that cfn-lint ships (``createOnlyProperties``), not a hand-kept
list.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KEY = "AWS::KMS::Key"
ALIAS = "AWS::KMS::Alias"
CLUSTER = "AWS::EKS::Cluster"
GUARDED_TYPES = (KEY, ALIAS, CLUSTER)
ALLOW_VARIABLE = "ALLOW_DESTRUCTIVE_CHANGES"
DEFAULT_PENDING_WINDOW_DAYS = 30
RETAINING = ("Retain", "RetainExceptOnCreate")

WHY = {
    KEY: "the key envelope-encrypts every Secret in etcd: without it they cannot be decrypted "
    "and the cluster cannot be recovered",
    ALIAS: "the alias is how people and policies find the Secrets key; a new one breaks them",
    CLUSTER: "EKS cannot move a running cluster to another key, so replacing or deleting it "
    "loses every workload and Secret in it",
}

Template = dict[str, Any]


@dataclass(frozen=True)
class Danger:
    """One dangerous change to one resource."""

    resource: str
    """``Stack/LogicalId``, the name an acknowledgement uses."""
    construct_path: str
    change: str
    why: str

    def __str__(self) -> str:
        return (
            f"{self.resource} ({self.construct_path}): {self.change}. Dangerous because {self.why}."
        )


def load_assembly(directory: Path) -> dict[str, Template]:
    """Every stack template of a cloud assembly, stages included, by CloudFormation stack name.

    Keyed by the deployed stack name, so renaming a stack reads as removing the old one.
    """
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    templates: dict[str, Template] = {}
    for artifact_id, artifact in manifest["artifacts"].items():
        properties = artifact.get("properties", {})
        if artifact["type"] == "cdk:cloud-assembly":
            templates.update(load_assembly(directory / properties["directoryName"]))
        elif artifact["type"] == "aws:cloudformation:stack":
            template_file = directory / properties["templateFile"]
            name = properties.get("stackName", artifact_id)
            templates[name] = json.loads(template_file.read_text(encoding="utf-8"))
    return templates


def dangers(base: Mapping[str, Template], head: Mapping[str, Template]) -> list[Danger]:
    """Every dangerous change from ``base`` to ``head``."""
    found: list[Danger] = []
    for stack_name, base_template in base.items():
        head_resources = head.get(stack_name, {}).get("Resources", {})
        replaced = replaced_resources(base_template, head.get(stack_name, {}))
        for logical_id, before in base_template.get("Resources", {}).items():
            kind = before.get("Type")
            if kind not in GUARDED_TYPES:
                continue
            name = f"{stack_name}/{logical_id}"
            path = before.get("Metadata", {}).get("aws:cdk:path", name)
            after = head_resources.get(logical_id)
            replacement = replaced.get(logical_id)
            for change in _changes(stack_name in head, kind, before, after, replacement):
                found.append(Danger(name, path, change, WHY[kind]))
    return found


def replaced_resources(base: Template, head: Template) -> dict[str, str]:
    """Resources CloudFormation would replace, with the reason, following Ref/GetAtt chains.

    A resource is replaced when one of its create-only properties changes, including through a
    reference to another resource that is itself replaced (a new role replaces the cluster).
    """
    before_all, after_all = base.get("Resources", {}), head.get("Resources", {})
    replaced: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for logical_id, before in before_all.items():
            after = after_all.get(logical_id)
            if logical_id in replaced or after is None or after.get("Type") != before.get("Type"):
                continue
            for pointer in create_only_properties(str(before.get("Type"))):
                location = "/Properties" + pointer.removeprefix("/properties")
                old, new = _at(before, location), _at(after, location)
                moved = sorted(_referenced(new) & set(replaced))
                if old != new or moved:
                    property_name = location.removeprefix("/Properties/")
                    reason = (
                        f"{property_name} changes"
                        if old != new
                        else (f"{property_name} refers to {', '.join(moved)}, which is replaced")
                    )
                    replaced[logical_id] = reason
                    changed = True
                    break
    return replaced


def _referenced(value: Any) -> set[str]:
    """Logical ids a property value points at through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            found.add(value["Ref"])
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute:
            found.add(str(attribute[0]))
        elif isinstance(attribute, str):
            found.add(attribute.split(".")[0])
        substitution = value.get("Fn::Sub")
        text = substitution[0] if isinstance(substitution, list) else substitution
        if isinstance(text, str):
            found.update(part.split("}")[0].split(".")[0] for part in text.split("${")[1:])
        for child in value.values():
            found |= _referenced(child)
    elif isinstance(value, list):
        for child in value:
            found |= _referenced(child)
    return found


def _changes(
    stack_kept: bool,
    kind: str,
    before: Template,
    after: Template | None,
    replacement: str | None,
) -> Iterator[str]:
    if not stack_kept:
        yield f"its stack is removed, so CloudFormation deletes the {kind}"
        return
    if after is None:
        yield f"the {kind} is removed from the template (deleted, or its logical id changed)"
        return
    if after.get("Type") != kind:
        yield f"its type changes from {kind} to {after.get('Type')}, which replaces it"
        return
    if replacement:
        yield f"{replacement}, which CloudFormation can only do by replacing the {kind}"
    if kind == KEY:
        yield from _key_weakening(before, after)
    if kind == CLUSTER and _at(before, "/Properties/EncryptionConfig") != _at(
        after, "/Properties/EncryptionConfig"
    ):
        yield "its encryption configuration changes or is removed"


def _key_weakening(before: Template, after: Template) -> Iterator[str]:
    if _at(before, "/Properties/EnableKeyRotation") is True and (
        _at(after, "/Properties/EnableKeyRotation") is not True
    ):
        yield "automatic key rotation is turned off"
    if (
        _at(before, "/Properties/Enabled") is not False
        and _at(after, "/Properties/Enabled") is False
    ):
        yield "the key is disabled"
    window_before = _at(before, "/Properties/PendingWindowInDays") or DEFAULT_PENDING_WINDOW_DAYS
    window_after = _at(after, "/Properties/PendingWindowInDays") or DEFAULT_PENDING_WINDOW_DAYS
    if not (isinstance(window_before, int) and isinstance(window_after, int)):
        if window_before != window_after:
            yield "the pending deletion window changes to a value the gate cannot compare"
    elif window_after < window_before:
        yield f"the pending deletion window shortens from {window_before} to {window_after} days"
    for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
        if before.get(policy) in RETAINING and after.get(policy) not in RETAINING:
            yield f"{policy} moves from {before.get(policy)} to {after.get(policy, 'Delete')}"


@cache
def create_only_properties(kind: str) -> list[str]:
    """The properties whose change replaces a resource, from cfn-lint's resource schemas."""
    try:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise SystemExit(
            "the change gate needs cfn-lint's resource schemas: "
            "pip install 'cdk-eks-envelope-secrets[change-gate]'"
        ) from None
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", kind).schema
    except ResourceNotFoundError:  # a type cfn-lint does not know: no known replacement rule
        return []
    return list(schema.get("createOnlyProperties", []))


def _at(document: Any, pointer: str) -> Any:
    for part in pointer.strip("/").split("/"):
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


def allowed_resources(arguments: Sequence[str], environ: Mapping[str, str]) -> set[str]:
    """Acknowledged resources: ``--allow`` flags and ``ALLOW_DESTRUCTIVE_CHANGES`` (comma/space)."""
    listed = environ.get(ALLOW_VARIABLE, "").replace(",", " ").split()
    return {item.strip() for item in [*arguments, *listed] if item.strip()}


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Console script ``eks-envelope-secrets-change-gate``."""
    parser = argparse.ArgumentParser(
        prog="eks-envelope-secrets-change-gate",
        description="Fail when a change would delete or replace the Secrets key, its alias or "
        "the EKS cluster, weaken the key, or touch the cluster's encryption.",
    )
    parser.add_argument("--base", type=Path, required=True, help="the base cloud assembly")
    parser.add_argument("--head", type=Path, required=True, help="the changed cloud assembly")
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="STACK/LOGICAL_ID",
        help=f"acknowledge a destructive change to this resource (also: {ALLOW_VARIABLE})",
    )
    arguments = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    allowed = allowed_resources(arguments.allow, environ)
    base = load_assembly(arguments.base)
    if not base:
        print(f"change gate: no stack in the base assembly {arguments.base}", file=sys.stderr)
        return 2
    found = dangers(base, load_assembly(arguments.head))
    blocking = [danger for danger in found if danger.resource not in allowed]
    for danger in found:
        if danger.resource in allowed:
            print(f"ACKNOWLEDGED destructive change: {danger}")
    for danger in blocking:
        print(f"BLOCKED destructive change: {danger}", file=sys.stderr)
    if blocking:
        names = " ".join(sorted({danger.resource for danger in blocking}))
        print(
            f"To proceed on purpose, acknowledge each resource by name: {ALLOW_VARIABLE}="
            f'"{names}", or a commit trailer "Allow-Destructive-Change: <Stack/LogicalId>".',
            file=sys.stderr,
        )
        return 1
    print(f"change gate: no unacknowledged destructive change ({len(found)} acknowledged).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
