"""Schemathesis against the API's own OpenAPI: no 5xx, no answer the schema does not describe.

It runs every phase (examples, coverage, fuzzing, stateful) with a bounded number of examples per
operation, against a real server on the test database, authenticated as an administrator.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG = Path(__file__).with_name("schemathesis.toml")


def _st() -> str:
    found = shutil.which("st", path=os.path.dirname(sys.executable)) or shutil.which("st")
    if found is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    return found


def test_api_conforms_to_its_openapi(
    live_server: str, tokens: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    cmd = [
        _st(),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server}/api/v1/openapi.json",
        "--checks",
        "all",
        # logging out would revoke the token every other request carries (tests/users covers it)
        "--exclude-name",
        "POST /api/v1/auth/logout",
        "--workers",
        "1",
        "--seed",
        "20261205",
        "--request-timeout",
        "60",
        "-H",
        f"Authorization: {tokens['admin']['Authorization']}",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
