"""Run a scanner as a user would, but from a neutral folder, so it reads no config file by itself.

Both cfn-lint and checkov pick up their config from the working directory; the gates apply the
project's acknowledgements themselves, so that they can also tell which ones are stale.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from typing import Any


def scan_json(command: Sequence[str], ok_codes: Sequence[int]) -> Any:
    with tempfile.TemporaryDirectory() as neutral:
        completed = subprocess.run(
            list(command), cwd=neutral, capture_output=True, text=True, check=False
        )
    if completed.returncode not in ok_codes:
        raise RuntimeError(
            f"{command[0]} failed ({completed.returncode}): {completed.stderr[-2000:]}"
        )
    if not completed.stdout.strip():
        # A scanner that printed nothing did not scan: never read that as "no findings".
        raise RuntimeError(f"{command[0]} printed no report: {completed.stderr[-2000:]}")
    return json.loads(completed.stdout)
