#!/usr/bin/env python3
"""The CDK app: reads the configuration from cdk.json and instantiates the stacks."""

import sys

import aws_cdk as cdk

from stacks.app_stacks import add_app_stacks
from stacks.compliance import add_compliance_checks
from stacks.config import CONTEXT_KEY, AppConfig, ConfigError

app = cdk.App()
try:
    config = AppConfig.from_context(app.node.try_get_context(CONTEXT_KEY))
except ConfigError as error:
    sys.exit(str(error))
add_app_stacks(app, config)
add_compliance_checks(app)
app.synth()
