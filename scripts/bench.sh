#!/usr/bin/env bash
# Release build, then throughput and peak memory of convert and score on generated NDJSON cohorts.
set -euo pipefail
cd "$(dirname "$0")/.."
# xmllint (Debian libxml2-utils) is the CLI baseline of the CDA comparison; installed if missing.
command -v xmllint >/dev/null || { (apt-get update -qq || true) && apt-get install -y -qq libxml2-utils; } || echo "xmllint not installed: the CDA CLI comparison is skipped"
swift build -c release --product tacebridge
swift build -c release --product tacebridge-bench
bin=$(swift build -c release --show-bin-path)
"$bin/tacebridge-bench" --binary "$bin/tacebridge" "$@"
