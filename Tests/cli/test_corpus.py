"""Every FHIR JSON file of the shared corpus through `convert`: R4 files give observations
(validated as FHIR R4), STU3 / DSTU2 files a clear version error, never a crash."""
import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import CORPUS, NOW, validate

FHIR_FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".json", ".ndjson"))
OTHER_VERSIONS = {
    "Stu3/RiskAssessment.json": "STU3",
    "Stu3/DiagnosticReport.json": "STU3",
    "DSTU-2/CUSTOM/hspc-bilirubin-chart.json": "DSTU2",
}


def expected_version(path: Path):
    for suffix, version in OTHER_VERSIONS.items():
        if str(path).endswith(suffix):
            return version
    return None


def test_corpus_has_fhir_files():
    assert CORPUS.is_dir(), f"corpus not found at {CORPUS}: put shared/ beside the checkout or set TACEBRIDGE_CORPUS"
    assert len(FHIR_FILES) >= 50


@pytest.mark.parametrize("path", FHIR_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_converts_or_fails_clearly(tacebridge, path, tmp_path):
    out = tmp_path / "out.json"
    proc = tacebridge("convert", "--now", NOW, "-o", out, path)
    err = proc.stderr.decode()
    version = expected_version(path)
    if version:
        assert proc.returncode == 65, err
        assert version in err and "R4" in err
        return
    assert proc.returncode == 0, err
    ok, report = validate(out)
    assert ok, report
    bundle = json.loads(out.read_text())
    assert bundle["type"] == "collection"
    # Every entry is a normalized resource; each carries the code it came from.
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        assert resource["resourceType"] in ("Observation", "Procedure", "Condition")
        urls = [e["url"] for e in resource.get("extension", [])]
        assert any(u.endswith("/original-coding") for u in urls)


def test_synthea_bundle_gives_liver_labs_in_canonical_units(tacebridge, tmp_path):
    path = next(p for p in FHIR_FILES if "Tom_Goodwin" in p.name)
    out = tmp_path / "out.json"
    tacebridge("convert", "--now", NOW, "-o", out, path, check_exit=0)
    bundle = json.loads(out.read_text())
    by_concept = {}
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] == "Observation":
            by_concept.setdefault(r["code"]["coding"][0]["code"], []).append(r)
    source = json.loads(path.read_text())
    # Checked against the file: every Synthea albumin (LOINC 1751-7, g/dL) appears as g/L x10.
    albumins = [e["resource"] for e in source["entry"]
                if e["resource"]["resourceType"] == "Observation"
                and any(c.get("code") == "1751-7" for c in e["resource"]["code"].get("coding", []))]
    assert albumins, "corpus file should contain albumin"
    assert len(by_concept.get("albumin", [])) == len(albumins)
    for src, out_obs in zip(albumins, by_concept["albumin"]):
        assert src["valueQuantity"]["unit"] == "g/dL"
        assert out_obs["valueQuantity"]["code"] == "g/L"
        assert out_obs["valueQuantity"]["value"] == pytest.approx(src["valueQuantity"]["value"] * 10)
        # Same instant and offset (+00:00 is written as Z).
        assert datetime.fromisoformat(out_obs["effectiveDateTime"].replace("Z", "+00:00")) == \
            datetime.fromisoformat(src["effectiveDateTime"])
    for o in by_concept.get("bilirubin-total", []):
        assert o["valueQuantity"]["code"] == "umol/L"


def test_dataabsent_and_unmapped_are_counted_not_silently_dropped(tacebridge, tmp_path):
    path = next(p for p in FHIR_FILES if p.name == "observation-example-bloodpressure-dar.json")
    proc = tacebridge("convert", "--verbose", "--now", NOW, "-o", tmp_path / "o.json", path, check_exit=0)
    err = proc.stderr.decode()
    assert "items not used" in err
    assert "unmapped-code" in err


def test_ndjson_with_escaped_slashes_is_read(tacebridge, tmp_path):
    path = next(p for p in FHIR_FILES if p.name == "Observation.ndjson")
    proc = tacebridge("convert", "--now", NOW, "-o", tmp_path / "o.json", path, check_exit=0)
    assert b"2 resources read" in proc.stderr or b"Observation 2" in proc.stderr
