#!/usr/bin/env python3
"""Print what `make synth` produced: stacks, the Secrets key, the cluster's encryption wiring, manifests.

Reads only the cloud assembly and the manifests on disk, so it reports what will be deployed,
not what the code meant to produce.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STACK_ARTIFACT = "aws:cloudformation:stack"


@dataclass(frozen=True)
class StackTemplate:
    name: str
    termination_protection: bool
    environment: str
    template: dict[str, Any]

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self.template.get("Resources", {}))

    def path_of(self, logical_id: str) -> str:
        metadata = self.resources[logical_id].get("Metadata", {})
        return str(metadata.get("aws:cdk:path", f"{self.name}/{logical_id}"))


def load_stacks(assembly: Path) -> list[StackTemplate]:
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    stacks = []
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] != STACK_ARTIFACT:
            continue
        properties = artifact.get("properties", {})
        template_file = assembly / properties["templateFile"]
        stacks.append(
            StackTemplate(
                name=name,
                termination_protection=bool(properties.get("terminationProtection", False)),
                environment=artifact["environment"],
                template=json.loads(template_file.read_text(encoding="utf-8")),
            )
        )
    return stacks


def resolve_key(value: Any, stacks: list[StackTemplate]) -> tuple[StackTemplate, str] | None:
    """Follow a KeyArn through Fn::GetAtt or a cross-stack export to the key resource."""
    if isinstance(value, dict) and "Fn::ImportValue" in value:
        for stack in stacks:
            for output in stack.template.get("Outputs", {}).values():
                if output.get("Export", {}).get("Name") == value["Fn::ImportValue"]:
                    return _getatt_target(output["Value"], stack)
    for stack in stacks:
        target = _getatt_target(value, stack)
        if target:
            return target
    return None


def _getatt_target(value: Any, stack: StackTemplate) -> tuple[StackTemplate, str] | None:
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical_id = value["Fn::GetAtt"][0]
        if logical_id in stack.resources:
            return stack, logical_id
    return None


def aliases_of(stack: StackTemplate, key_logical_id: str) -> list[str]:
    return [
        resource["Properties"]["AliasName"]
        for resource in stack.resources.values()
        if resource["Type"] == "AWS::KMS::Alias"
        and key_logical_id in json.dumps(resource["Properties"].get("TargetKeyId"))
    ]


def describe_stacks(stacks: list[StackTemplate]) -> list[str]:
    lines = ["Stacks (cdk.out):"]
    for stack in stacks:
        protection = "on" if stack.termination_protection else "off"
        lines.append(
            f"  {stack.name}: {len(stack.resources)} resources, termination protection {protection}, "
            f"{stack.environment}"
        )
    return lines


def describe_keys(stacks: list[StackTemplate]) -> list[str]:
    lines = ["KMS keys:"]
    for stack in stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] != "AWS::KMS::Key":
                continue
            properties = resource["Properties"]
            rotation = (
                f"on, every {properties.get('RotationPeriodInDays', 365)} days"
                if properties.get("EnableKeyRotation")
                else "OFF"
            )
            lines += [
                f"  {stack.path_of(logical_id)}: alias {', '.join(aliases_of(stack, logical_id)) or '(none)'}",
                f"    rotation {rotation}; DeletionPolicy {resource.get('DeletionPolicy', 'Delete')}, "
                f"UpdateReplacePolicy {resource.get('UpdateReplacePolicy', 'Delete')}; "
                f"pending window {properties.get('PendingWindowInDays', 30)} days",
            ]
    return lines


def describe_clusters(stacks: list[StackTemplate]) -> list[str]:
    lines = ["EKS clusters:"]
    for stack in stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] != "AWS::EKS::Cluster":
                continue
            properties = resource["Properties"]
            lines.append(
                f"  {stack.path_of(logical_id)}: name {properties.get('Name')}, "
                f"Kubernetes {properties.get('Version')}"
            )
            encryption = properties.get("EncryptionConfig", [])
            if not encryption:
                lines.append(
                    "    encryption: NONE (Secrets are stored unencrypted by a customer key)"
                )
            for config in encryption:
                key_arn = config["Provider"]["KeyArn"]
                target = resolve_key(key_arn, stacks)
                via = (
                    "cross-stack export"
                    if "Fn::ImportValue" in json.dumps(key_arn)
                    else "reference"
                )
                key = (
                    f"{target[0].path_of(target[1])} ({', '.join(aliases_of(*target))}) via {via}"
                    if target
                    else json.dumps(key_arn)
                )
                lines.append(f"    encrypts {config['Resources']} with {key}")
            vpc = properties.get("ResourcesVpcConfig", {})
            public = vpc.get("EndpointPublicAccess", True)
            cidrs = vpc.get("PublicAccessCidrs", ["0.0.0.0/0"] if public else [])
            endpoint = f"public for {', '.join(cidrs)} and private" if public else "private only"
            logs = [
                entry["Type"]
                for entry in properties.get("Logging", {})
                .get("ClusterLogging", {})
                .get("EnabledTypes", [])
            ]
            lines.append(f"    endpoint {endpoint}; control-plane logs {', '.join(logs) or 'none'}")
    return lines


def describe_manifests(manifests: Path) -> list[str]:
    lines = [f"Manifests ({manifests}):"]
    for path in sorted(manifests.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not document:
                continue
            metadata = document.get("metadata", {})
            name = "/".join(filter(None, (metadata.get("namespace"), metadata.get("name"))))
            detail = ""
            if document["kind"] == "Secret":
                has_values = bool(document.get("data") or document.get("stringData"))
                keys = metadata.get("annotations", {}).get("eks-envelope-secrets.io/keys", "")
                detail = f" (keys {keys}; {'HAS VALUES' if has_values else 'no values: supplied at apply time'})"
            lines.append(f"  {path.relative_to(manifests)}: {document['kind']} {name}{detail}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assembly", type=Path, default=Path("cdk.out"))
    parser.add_argument("--manifests", type=Path, default=Path("dist"))
    arguments = parser.parse_args()
    stacks = load_stacks(arguments.assembly)
    sections = [
        describe_stacks(stacks),
        describe_keys(stacks),
        describe_clusters(stacks),
        describe_manifests(arguments.manifests),
    ]
    print("\n\n".join("\n".join(section) for section in sections))


if __name__ == "__main__":
    main()
