"""Shared fixtures for the CLI tests: the built binary, paths, and a runner."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The shared corpus sits beside the checkout (../shared/corpus); TACEBRIDGE_CORPUS overrides it.
CORPUS = Path(os.environ.get("TACEBRIDGE_CORPUS", ROOT.parent / "shared" / "corpus"))
VALIDATOR = ROOT / "scripts" / "validate_fhir.py"
NOW = "2026-01-01T00:00:00Z"


def binary() -> str:
    path = os.environ.get("TACEBRIDGE_BIN")
    if path:
        return path
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True)
    return str(Path(out.stdout.strip()) / "tacebridge")


@pytest.fixture(scope="session")
def tacebridge():
    path = binary()
    assert Path(path).exists(), f"{path} not built: run swift build first"

    def run(*args, stdin=None, check_exit=None):
        proc = subprocess.run([path, *map(str, args)], cwd=ROOT, input=stdin, capture_output=True)
        if check_exit is not None:
            assert proc.returncode == check_exit, (
                f"exit {proc.returncode}, expected {check_exit}\nstderr:\n{proc.stderr.decode(errors='replace')}")
        return proc
    return run


def validate(path_or_bytes, project_checks=True):
    """Validates FHIR R4 JSON with the independent Python validator; returns (ok, report)."""
    args = [sys.executable, str(VALIDATOR)]
    if not project_checks:
        args.append("--no-project-checks")
    if isinstance(path_or_bytes, (bytes, bytearray)):
        proc = subprocess.run(args + ["-"], input=path_or_bytes, capture_output=True)
    else:
        proc = subprocess.run(args + [str(path_or_bytes)], capture_output=True)
    return proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
