#!/usr/bin/env bash
# Release build, then throughput and peak memory of convert and score on generated NDJSON cohorts,
# the CDA reader beside xmllint and libxml2, and HL7 v2 ORU^R01 parse and map beside the Python
# libraries hl7 and hl7apy (installed here in a virtual environment under .build; without it the
# Python comparison is skipped with a note).
set -euo pipefail
cd "$(dirname "$0")/.."
# xmllint (Debian libxml2-utils) is the CLI baseline of the CDA comparison; installed if missing.
command -v xmllint >/dev/null || { (apt-get update -qq || true) && apt-get install -y -qq libxml2-utils; } || echo "xmllint not installed: the CDA CLI comparison is skipped"
swift build -c release --product tacebridge
swift build -c release --product tacebridge-bench
bin=$(swift build -c release --show-bin-path)
venv=.build/bench-venv
python_args=()
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import hl7, hl7apy' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'hl7==0.4.5' 'hl7apy==1.3.5' \
    || echo "bench.sh: could not install hl7 and hl7apy; the Python comparison is skipped" >&2
fi
if "$venv/bin/python" -c 'import hl7, hl7apy' 2>/dev/null; then python_args=(--python "$venv/bin/python"); fi
"$bin/tacebridge-bench" --binary "$bin/tacebridge" "${python_args[@]}" "$@"
# MLLP end to end with SQLite (issue 5): serve on loopback, 20 clients x 1,000 ORU^R01.
python3 scripts/bench_mllp.py --binary "$bin/tacebridge" --clients 20 --messages 1000 --window 8
