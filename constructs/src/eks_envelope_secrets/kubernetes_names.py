"""Validation of the names that Kubernetes and EKS accept, so bad names fail at synth, not at apply."""

from __future__ import annotations

import re
from collections.abc import Sequence

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EKS_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")


def validate_dns1123_label(field: str, value: str) -> str:
    """Return ``value`` if it is a DNS-1123 label (namespaces, container names)."""
    if len(value) > 63 or not _DNS1123_LABEL.match(value):
        raise ValueError(
            f"{field} {value!r} is not a DNS-1123 label: use at most 63 lower-case letters, "
            "digits and '-', starting and ending with a letter or digit (e.g. 'gen-ai')."
        )
    return value


def validate_dns1123_subdomain(field: str, value: str) -> str:
    """Return ``value`` if it is a DNS-1123 subdomain (Secret and Pod names)."""
    if len(value) > 253 or not _DNS1123_SUBDOMAIN.match(value):
        raise ValueError(
            f"{field} {value!r} is not a DNS-1123 subdomain: use at most 253 lower-case letters, "
            "digits, '-' and '.', starting and ending with a letter or digit (e.g. 'gen-ai')."
        )
    return value


def validate_env_var_name(field: str, value: str) -> str:
    """Return ``value`` if it can name both a Secret key and the environment variable that feeds it."""
    if not _ENV_VAR_NAME.match(value):
        raise ValueError(
            f"{field} {value!r} is not an environment-variable name: use letters, digits and '_', "
            "not starting with a digit (e.g. 'GEN_AI_KEY')."
        )
    return value


def validate_secret_keys(field: str, keys: Sequence[str]) -> list[str]:
    """Return ``keys`` if there is at least one, each an environment-variable name, none twice."""
    if not keys:
        raise ValueError(f"{field} is empty: name at least one Secret key (e.g. ['GEN_AI_KEY']).")
    for key in keys:
        validate_env_var_name(field, key)
    duplicates = sorted({key for key in keys if list(keys).count(key) > 1})
    if duplicates:
        raise ValueError(f"{field} lists {', '.join(duplicates)} more than once: list each once.")
    return list(keys)


def validate_eks_cluster_name(field: str, value: str) -> str:
    """Return ``value`` if EKS accepts it as a cluster name (it also names the key's alias)."""
    if not _EKS_CLUSTER_NAME.match(value):
        raise ValueError(
            f"{field} {value!r} is not a valid EKS cluster name: use 1 to 100 letters, digits, '-' "
            "and '_', starting with a letter or digit (e.g. 'gen-ai')."
        )
    return value


SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def validate_workload_namespace(field: str, value: str) -> str:
    """Return ``value`` if it is a DNS-1123 label and not a namespace the cluster itself uses."""
    validate_dns1123_label(field, value)
    if value in SYSTEM_NAMESPACES:
        raise ValueError(
            f"{field} {value!r} is shared with the cluster's own workloads: name a namespace of "
            "the application's own (e.g. 'gen-ai')."
        )
    return value
