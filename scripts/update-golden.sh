#!/usr/bin/env bash
# Regenerates samples/**/expected/*.json from the current build. Review the diff by hand against
# docs/scoring.md before committing: golden files are checked once by hand, then guard regressions.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tacebridge >/dev/null
bin=$(swift build --show-bin-path)/tacebridge
now=2026-01-01T00:00:00Z
python3 - "$bin" "$now" <<'PY'
import json, subprocess, sys
from pathlib import Path
binary, now = sys.argv[1], sys.argv[2]
jobs = {}
for src in sorted(Path("samples/fhir").glob("*")):
    if src.suffix in (".json", ".ndjson"):
        stem = src.stem
        jobs[Path("samples/fhir/expected") / f"{stem}.score.json"] = ["score", "--now", now, str(src)]
        jobs[Path("samples/fhir/expected") / f"{stem}.convert.json"] = ["convert", "--now", now, str(src)]
jobs[Path("samples/site-local/expected/patient.score.json")] = ["score", "--now", now, "--mappings", "samples/site-local/mappings", "samples/site-local/patient.json"]
jobs[Path("samples/hl7v2/expected/ptace-labs.convert.json")] = ["convert", "--now", now, "samples/hl7v2/ptace-labs.hl7"]
jobs[Path("samples/hl7v2/expected/ptace-labs-xml.convert.json")] = ["convert", "--now", now, "samples/hl7v2/ptace-labs.xml"]
jobs[Path("samples/legacy-xml/expected/kestrel-labs.convert.json")] = ["convert", "--now", now, "samples/legacy-xml/kestrel-labs.xml"]
jobs[Path("samples/cda/expected/ptace-lima-imaging.convert.json")] = ["convert", "--now", now, "samples/cda/ptace-lima-imaging.xml"]
jobs[Path("samples/cda/expected/ptace-lima-ccd.convert.json")] = ["convert", "--now", now, "samples/cda/ptace-lima-ccd.xml"]
jobs[Path("samples/cda/expected/ptace-lima.score.json")] = ["score", "--now", now, "samples/cda/ptace-lima-imaging.xml", "samples/cda/ptace-lima-ccd.xml"]
jobs[Path("samples/mixed/expected/ptace-mike.score.json")] = ["score", "--now", now, "--mappings", "samples/mixed/mappings",
                                                              "samples/mixed/labs.hl7", "samples/mixed/imaging.xml", "samples/mixed/procedures.json"]
jobs[Path("samples/fhir/expected/ptace-grade5.transaction.json")] = ["score", "--now", now, "--bundle", "transaction", "samples/fhir/ptace-grade5.json"]
# Refractoriness samples (docs/refractoriness.md section 8): the Bundle and the readable timeline.
for src in sorted(Path("samples/refractoriness").glob("*.json")):
    jobs[Path("samples/refractoriness/expected") / f"{src.stem}.score.json"] = ["score", "--now", now, str(src)]
    jobs[Path("samples/refractoriness/expected") / f"{src.stem}.timeline.txt"] = ["timeline", "--now", now, str(src)]
jobs[Path("samples/refractoriness/expected/jsh-c1a-insufficient.observations.json")] = [
    "score", "--now", now, "--bundle", "transaction", "--refractoriness-observations", "samples/refractoriness/jsh-c1a-insufficient.json"]
jobs[Path("samples/refractoriness/expected/jsh-c1a-insufficient.timeline.json")] = [
    "timeline", "--now", now, "--format", "json", "samples/refractoriness/jsh-c1a-insufficient.json"]
by_dir = {}
for out, args in jobs.items():
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([binary, "--quiet"][:1] + args[:1] + ["--quiet"] + args[1:], capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {proc.stderr.decode()}")
    out.write_bytes(proc.stdout)
    by_dir.setdefault(out.parent, {})[out.name] = args[:1] + ["--quiet"] + args[1:]
    print("wrote", out)
for d, commands in by_dir.items():
    (d / "commands.json").write_text(json.dumps(commands, indent=2, sort_keys=True) + "\n")
PY
