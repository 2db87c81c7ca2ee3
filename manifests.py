#!/usr/bin/env python3
"""The cdk8s app: writes this app's Kubernetes manifests to dist/ from cdk.json's settings."""

import sys
from pathlib import Path

import cdk8s

from stacks.config import AppConfig, ConfigError
from stacks.workload_charts import add_workload_charts

try:
    config = AppConfig.from_cdk_json(Path(__file__).with_name("cdk.json"))
except ConfigError as error:
    sys.exit(str(error))

app = cdk8s.App(outdir=str(Path(__file__).with_name("dist")))
add_workload_charts(app, config)
app.synth()
