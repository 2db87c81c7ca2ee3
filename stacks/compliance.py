"""The rule packs cdk-nag checks this app against at every synth."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks


def add_compliance_checks(app: cdk.App) -> None:
    """AWS Solutions and NIST 800-53 rev 5: an unacknowledged finding fails the synth."""
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app))
