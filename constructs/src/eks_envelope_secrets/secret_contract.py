"""The contract between SecretChart and the apply command: which keys a Secret must carry.

Kept free of CDK and cdk8s imports, so the apply command starts without a JavaScript runtime.
"""

from __future__ import annotations

from typing import Any

KEYS_ANNOTATION = "eks-envelope-secrets.io/keys"
"""Lists the keys the Secret must carry; whoever applies it supplies their values."""


def declared_keys(secret: dict[str, Any]) -> list[str]:
    """The keys a synthesized Secret declares in its annotation, in order."""
    annotation = secret.get("metadata", {}).get("annotations", {}).get(KEYS_ANNOTATION, "")
    return [key for key in str(annotation).split(",") if key]
