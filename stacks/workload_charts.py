"""This app's Kubernetes objects: the namespace, the GEN_AI_KEY Secret's shape and the demo Pod."""

from __future__ import annotations

import cdk8s
from eks_envelope_secrets import NamespaceChart, SecretChart, SecretMountDemoChart

from stacks.config import AppConfig


def add_workload_charts(app: cdk8s.App, config: AppConfig) -> None:
    """Charts are applied in dependency order: namespace, Secret, then the Pod that mounts it."""
    namespace = NamespaceChart(app, "namespace", namespace=config.namespace)
    secret = SecretChart(
        app,
        "secret",
        namespace=config.namespace,
        secret_name=config.secret_name,
        keys=config.secret_keys,
    )
    demo = SecretMountDemoChart(
        app,
        "secret-mount-demo",
        namespace=config.namespace,
        secret_name=config.secret_name,
        secret_key=config.secret_keys[0],
        image=config.demo_image,
    )
    secret.add_dependency(namespace)
    demo.add_dependency(secret)
