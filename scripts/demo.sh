#!/usr/bin/env bash
# Runs `tacebridge score` on the bundled samples and writes the Bundles under .build/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tacebridge >/dev/null
bin=$(swift build --show-bin-path)/tacebridge
out=.build/demo
mkdir -p "$out"
echo "== tacebridge score samples/fhir/* (one Bundle per file in $out/)"
for f in samples/fhir/*.json samples/fhir/*.ndjson; do
  [ -e "$f" ] || continue
  name=$(basename "$f"); name=${name%.*}
  "$bin" score --quiet "$f" -o "$out/$name.score.json"
  printf '%-40s -> %s\n' "$f" "$out/$name.score.json"
done
echo "== with a site's own mapping tables"
"$bin" score --mappings samples/site-local/mappings samples/site-local/patient.json -o "$out/site-local.score.json"
echo "== CDA only (imaging report + CCD), and one patient across HL7 v2, CDA and FHIR"
"$bin" score --quiet samples/cda/ptace-lima-imaging.xml samples/cda/ptace-lima-ccd.xml -o "$out/cda-lima.score.json"
"$bin" score --quiet --mappings samples/mixed/mappings samples/mixed/labs.hl7 samples/mixed/imaging.xml samples/mixed/procedures.json \
  -o "$out/mixed-mike.score.json"
echo
echo "== RiskAssessment rationales"
python3 - "$out"/*.score.json <<'PY'
import json, sys
for path in sys.argv[1:]:
    bundle = json.load(open(path))
    for e in bundle.get("entry", []):
        r = e["resource"]
        if r["resourceType"] == "RiskAssessment":
            p = r["prediction"][0]
            print(f"{path}: {r['subject'].get('reference')}: {p.get('probabilityDecimal')} {p['qualitativeRisk']['coding'][0]['code']}")
            print("   " + p["rationale"][:400])
        elif r["resourceType"] == "OperationOutcome":
            print(f"{path}: incomplete: {r['issue'][0]['diagnostics'][:300]}")
PY
echo
echo "== tacebridge timeline: a refractory course (more in samples/refractoriness/, see docs/refractoriness.md)"
"$bin" timeline --quiet --as-of 2025-06-01 samples/refractoriness/jsh-c1a-insufficient.json
