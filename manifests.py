#!/usr/bin/env python3
"""The cdk8s app: writes this app's Kubernetes manifests to dist/ from cdk.json's settings."""

import sys
from pathlib import Path

from stacks.config import AppConfig, ConfigError
from stacks.workload_charts import synth_manifests

here = Path(__file__).parent
try:
    config = AppConfig.from_cdk_json(here / "cdk.json")
except ConfigError as error:
    sys.exit(str(error))
synth_manifests(config, here / "dist")
