"""This app's Kubernetes objects, split by who may apply them.

``cluster-admin/`` holds the namespace, which only a cluster admin can create; ``workload/``
holds the GEN_AI_KEY Secret's shape and the demo Pod, which the deployer role applies.
"""

from __future__ import annotations

from pathlib import Path

import cdk8s

from eks_envelope_secrets import NamespaceChart, SecretChart, SecretMountDemoChart
from stacks.config import AppConfig

CLUSTER_ADMIN_DIR = "cluster-admin"
WORKLOAD_DIR = "workload"


def synth_manifests(config: AppConfig, outdir: Path) -> None:
    """Write the manifests under ``outdir``, each folder in apply order."""
    cluster_admin = cdk8s.App(outdir=str(outdir / CLUSTER_ADMIN_DIR))
    NamespaceChart(cluster_admin, "namespace", namespace=config.namespace)
    cluster_admin.synth()

    workload = cdk8s.App(outdir=str(outdir / WORKLOAD_DIR))
    secret = SecretChart(
        workload,
        "secret",
        namespace=config.namespace,
        secret_name=config.secret_name,
        keys=config.secret_keys,
    )
    demo = SecretMountDemoChart(
        workload,
        "secret-mount-demo",
        namespace=config.namespace,
        secret_name=config.secret_name,
        secret_key=config.secret_keys[0],
        image=config.demo_image,
    )
    demo.add_dependency(secret)
    workload.synth()
