#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: installs what the tests need, builds, runs
# the Swift tests, then the CLI tests (exit codes, golden files, corpus) with the independent
# FHIR R4 validator (Python fhir.resources, R4B models).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== test dependencies"
# libxml2 headers for the CLibXML2 system library (part of the machine image; installed if missing).
if ! pkg-config --exists libxml-2.0 2>/dev/null; then
  (apt-get update -qq || true) && apt-get install -y -qq libxml2-dev pkg-config
fi
if ! python3 -c 'import fhir.resources.R4B.bundle' 2>/dev/null; then
  python3 -m pip install --quiet 'fhir.resources==7.1.0'
fi
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install --quiet pytest

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== CLI and FHIR validation tests"
TACEBRIDGE_BIN="$(swift build --show-bin-path)/tacebridge" python3 -m pytest -q Tests/cli
