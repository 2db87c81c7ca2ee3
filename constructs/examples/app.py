"""A complete CDK app built only on the public API of cdk-eks-envelope-secrets.

Run it with ``cdk synth --app "python app.py"``, or ``python app.py`` to write ``cdk.out``; the
manifests go to ``dist/``. It is also what the package's install test synthesizes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk8s
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam

from eks_envelope_secrets import (
    EnvelopeEncryptedCluster,
    NamespaceChart,
    SecretChart,
    SecretMountDemoChart,
    SecretsEncryptionKey,
)

CLUSTER_NAME = "payments"
NAMESPACE = "payments"
SECRET_NAME = "payments-api"
SECRET_KEYS = ["PAYMENTS_API_KEY"]


class KeyStack(cdk.Stack):
    """The key lives apart from the cluster, so deleting the cluster stack spares it."""

    def __init__(self, scope: cdk.App, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, termination_protection=True, **kwargs)
        self.secrets_key = SecretsEncryptionKey(
            self, "SecretsKey", cluster_name=CLUSTER_NAME, rotation_period=cdk.Duration.days(180)
        )


class ClusterStack(cdk.Stack):
    def __init__(self, scope: cdk.App, id: str, *, key_stack: KeyStack, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.encrypted_cluster = EnvelopeEncryptedCluster(
            self,
            "Cluster",
            cluster_name=CLUSTER_NAME,
            secrets_encryption_key=key_stack.secrets_key.key,
            vpc=ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=1),
            public_access_cidrs=["203.0.113.0/24"],
            deployer_role=iam.Role.from_role_arn(
                self, "Deployer", "arn:aws:iam::123456789012:role/payments-deployer", mutable=False
            ),
            deployer_namespaces=[NAMESPACE],
            guarded_secret_variables=SECRET_KEYS,
        )


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    key_stack = KeyStack(app, "PaymentsSecretsKey")
    ClusterStack(app, "PaymentsCluster", key_stack=key_stack)
    return app


def synth_manifests(outdir: Path) -> None:
    """Namespace for a cluster admin; Secret shape and demo Pod for `eks-envelope-secrets-apply`."""
    admin = cdk8s.App(outdir=str(outdir / "cluster-admin"))
    NamespaceChart(admin, "namespace", namespace=NAMESPACE)
    admin.synth()
    workload = cdk8s.App(outdir=str(outdir / "workload"))
    secret = SecretChart(
        workload, "secret", namespace=NAMESPACE, secret_name=SECRET_NAME, keys=SECRET_KEYS
    )
    demo = SecretMountDemoChart(
        workload,
        "demo",
        namespace=NAMESPACE,
        secret_name=SECRET_NAME,
        secret_key=SECRET_KEYS[0],
    )
    demo.add_dependency(secret)
    workload.synth()


if __name__ == "__main__":
    build_app(os.environ.get("CDK_OUTDIR")).synth()
    synth_manifests(Path(os.environ.get("MANIFESTS_OUTDIR", "dist")))
