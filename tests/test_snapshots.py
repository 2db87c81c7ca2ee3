"""Snapshots catch unintended drift; read the diff before updating (`pytest --snapshot-update`)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Template
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import normalized_template


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def test_key_stack_template(key_template: Template, json_snapshot: SnapshotAssertion) -> None:
    assert normalized_template(key_template.to_json()) == json_snapshot


def test_cluster_stack_template(
    cluster_template: Template, json_snapshot: SnapshotAssertion
) -> None:
    assert normalized_template(cluster_template.to_json()) == json_snapshot


@pytest.mark.parametrize(
    "file_name",
    [
        pytest.param("cluster-admin/namespace.k8s.yaml", id="namespace"),
        pytest.param("workload/0000-secret.k8s.yaml", id="secret"),
        pytest.param("workload/0001-secret-mount-demo.k8s.yaml", id="secret-mount-demo"),
    ],
)
def test_chart_manifests(
    manifests: dict[str, list[dict[str, Any]]], file_name: str, json_snapshot: SnapshotAssertion
) -> None:
    assert manifests[file_name] == json_snapshot


def test_every_chart_has_a_snapshot(manifests: dict[str, list[dict[str, Any]]]) -> None:
    assert sorted(manifests) == [
        "cluster-admin/namespace.k8s.yaml",
        "workload/0000-secret.k8s.yaml",
        "workload/0001-secret-mount-demo.k8s.yaml",
    ]


def test_normalization_removes_only_version_metadata_and_asset_hashes() -> None:
    template = {
        "Resources": {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata"},
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Key": "a" * 64 + ".zip"}},
        },
        "Parameters": {"BootstrapVersion": {"Type": "String"}, "Other": {"Type": "String"}},
        "Rules": {"CheckBootstrapVersion": {}},
    }
    assert normalized_template(template) == {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Key": "<asset-hash>.zip"}}
        },
        "Parameters": {"Other": {"Type": "String"}},
    }
