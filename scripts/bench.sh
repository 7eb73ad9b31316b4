#!/usr/bin/env bash
# Release build, then throughput and peak memory of convert and score on generated NDJSON cohorts.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product tacebridge
swift build -c release --product tacebridge-bench
bin=$(swift build -c release --show-bin-path)
"$bin/tacebridge-bench" --binary "$bin/tacebridge" "$@"
