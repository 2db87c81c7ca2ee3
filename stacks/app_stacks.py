"""This app's two stacks, wired together: the key stack and the cluster stack that imports it."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk

from stacks.cluster_stack import EncryptedClusterStack
from stacks.config import AppConfig
from stacks.secrets_key_stack import SecretsKeyStack

KEY_STACK_ID = "EksSecretsKey"
CLUSTER_STACK_ID = "EksEncryptedCluster"


@dataclass(frozen=True)
class AppStacks:
    key: SecretsKeyStack
    cluster: EncryptedClusterStack


def add_app_stacks(app: cdk.App, config: AppConfig) -> AppStacks:
    """Both stacks share one environment: EKS needs the key in the cluster's account and region."""
    env = cdk.Environment(account=config.account, region=config.region)
    key_stack = SecretsKeyStack(app, KEY_STACK_ID, config=config, env=env)
    cluster_stack = EncryptedClusterStack(
        app,
        CLUSTER_STACK_ID,
        config=config,
        secrets_encryption_key=key_stack.encryption_key.key,
        env=env,
    )
    return AppStacks(key=key_stack, cluster=cluster_stack)
