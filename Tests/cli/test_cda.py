"""CDA through the binary: hostile XML gives a clear error with its line and reads nothing from
disk or network; every CDA file of the corpus converts (or fails clearly); `--on-invalid skip`
counts a refused file and goes on."""
import http.server
import json
import threading
from pathlib import Path

import pytest

from conftest import CORPUS, NOW, validate



def _listed_cda_files():
    """The corpus README rows whose format column is `cda`."""
    readme = CORPUS / "README.md"
    if not readme.exists():
        return []
    files = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("| ") and "| cda |" in line and len(cells) > 2 and cells[2].strip().startswith("`"):
            files.append(CORPUS / cells[2].strip().strip("`"))
    return sorted(files)


CDA_FILES = _listed_cda_files()
HEAD = b'<?xml version="1.0"?>\n'
DOC_OPEN = b'<ClinicalDocument xmlns="urn:hl7-org:v3">'


def convert(tacebridge, path, *extra, check_exit=None):
    return tacebridge("convert", "--now", NOW, *extra, path, check_exit=check_exit)


def test_billion_laughs_is_refused_at_the_doctype(tacebridge, tmp_path):
    entities = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = HEAD + f'<!DOCTYPE ClinicalDocument [<!ENTITY lol0 "lol">{entities}]>\n'.encode() + DOC_OPEN + b"&lol9;</ClinicalDocument>"
    f = tmp_path / "bomb.xml"
    f.write_bytes(bomb)
    proc = convert(tacebridge, f, check_exit=65)
    err = proc.stderr.decode()
    assert "bomb.xml:2:" in err and "DOCTYPE" in err
    assert proc.stdout == b""


@pytest.mark.parametrize("target", ["file:///etc/passwd", "/etc/passwd"])
def test_external_entity_to_a_local_file_reads_nothing(tacebridge, tmp_path, target):
    xxe = HEAD + f'<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "{target}">]>\n'.encode() + DOC_OPEN + b"&x;</ClinicalDocument>"
    f = tmp_path / "xxe.xml"
    f.write_bytes(xxe)
    proc = convert(tacebridge, f, check_exit=65)
    assert b"xxe.xml:2:" in proc.stderr
    assert b"root:" not in proc.stderr + proc.stdout


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY leaked 'yes'>")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("shape", ["entity", "parameter-entity", "external-dtd"])
def test_external_entity_to_a_url_is_never_fetched(tacebridge, tmp_path, http_server, shape):
    url = http_server + "/x.dtd"
    doctype = {
        "entity": f'<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "{url}">]>',
        "parameter-entity": f'<!DOCTYPE ClinicalDocument [<!ENTITY % p SYSTEM "{url}"> %p;]>',
        "external-dtd": f'<!DOCTYPE ClinicalDocument SYSTEM "{url}">',
    }[shape]
    f = tmp_path / "net.xml"
    f.write_bytes(HEAD + doctype.encode() + b"\n" + DOC_OPEN + b"</ClinicalDocument>")
    proc = convert(tacebridge, f, check_exit=65)
    assert b"net.xml:2:" in proc.stderr
    assert _Recorder.hits == []


def test_deep_nesting_stops_at_the_depth_limit_with_its_line(tacebridge, tmp_path):
    f = tmp_path / "deep.xml"
    f.write_bytes(HEAD + DOC_OPEN + b"\n" + b"<component>\n" * 100_000 + b"</component>" * 100_000 + b"</ClinicalDocument>")
    proc = convert(tacebridge, f, check_exit=65)
    err = proc.stderr.decode()
    assert "deep.xml:" in err and "deeper than the limit of 256" in err
    line = int(err.split("deep.xml:")[1].split(":")[0])
    assert 250 <= line <= 260


def test_huge_text_node_is_refused(tacebridge, tmp_path):
    f = tmp_path / "huge.xml"
    f.write_bytes(HEAD + DOC_OPEN + b"\n<title>" + b"A" * 12_000_000 + b"</title></ClinicalDocument>")
    proc = convert(tacebridge, f, check_exit=65)
    assert b"huge.xml:3:" in proc.stderr and b"longer than the limit" in proc.stderr


def test_binary_junk_after_a_cda_start_is_a_positioned_error(tacebridge, tmp_path):
    f = tmp_path / "junk.xml"
    f.write_bytes(HEAD + DOC_OPEN + b"\n<title>\x00\x01\xff\xfe\x80binary</title></ClinicalDocument>")
    proc = convert(tacebridge, f, check_exit=65)
    assert b"junk.xml:3:" in proc.stderr


def test_pure_binary_junk_is_an_unsupported_format(tacebridge, tmp_path):
    f = tmp_path / "junk.bin"
    f.write_bytes(bytes(range(256)) * 64)
    proc = convert(tacebridge, f, check_exit=65)
    assert b"unsupported format" in proc.stderr


def test_truncated_document_names_the_line_and_never_the_content(tacebridge, tmp_path):
    doc = (HEAD + DOC_OPEN + b"\n<recordTarget><patientRole><id root='2.999.1' extension='SECRET-MRN-77'/>\n"
           b"<patient><name><given>Zebulon</given></name></patient></patientRole></recordTarget>\n<component><structuredBody>")
    f = tmp_path / "cut.xml"
    f.write_bytes(doc)
    proc = convert(tacebridge, f, check_exit=65)
    err = proc.stderr.decode()
    assert "cut.xml:5:" in err and "not closed" in err
    assert "SECRET" not in err and "Zebulon" not in err


def test_refused_file_is_counted_with_on_invalid_skip(tacebridge, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(HEAD + b'<!DOCTYPE x SYSTEM "/etc/passwd">' + DOC_OPEN + b"</ClinicalDocument>")
    good = tmp_path / "good.xml"
    good.write_bytes(Path("samples/cda/ptace-lima-imaging.xml").read_bytes())
    proc = tacebridge("convert", "--now", NOW, "--on-invalid", "skip", bad, good, check_exit=0)
    assert b"invalid-resource" in proc.stderr
    assert len(json.loads(proc.stdout)["entry"]) > 0


def test_reader_error_exits_65_with_xpath_and_line(tacebridge, tmp_path):
    f = tmp_path / "status.xml"
    f.write_bytes(HEAD + DOC_OPEN + b"""
<recordTarget><patientRole><id root="2.999.1" extension="P"/></patientRole></recordTarget>
<component><structuredBody><component><section><entry>
<observation classCode="OBS" moodCode="EVN"><code code="1751-7" codeSystem="2.16.840.1.113883.6.1"/>
<statusCode code="finished"/><value xsi:type="PQ" value="4" unit="g/dL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></observation>
</entry></section></component></structuredBody></component></ClinicalDocument>""")
    proc = convert(tacebridge, f, check_exit=65)
    assert b"/ClinicalDocument/component/structuredBody/component/section/entry/observation/statusCode (line 6)" in proc.stderr
    proc = convert(tacebridge, f, "--on-invalid", "skip", check_exit=0)
    assert b"invalid-resource" in proc.stderr


def test_corpus_has_cda_files():
    assert len(CDA_FILES) >= 30, CDA_FILES


@pytest.mark.parametrize("path", CDA_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_cda_file_converts_or_fails_clearly(tacebridge, path, tmp_path):
    out = tmp_path / "out.json"
    proc = tacebridge("convert", "--now", NOW, "-o", out, path)
    err = proc.stderr.decode()
    if path.name == "DIR Participant Example.xml":
        # A header fragment (root <participant>, no namespace, no CDA attributes): not a format read.
        assert proc.returncode == 65 and "root element 'participant' in no namespace is not a format TACEBridge reads" in err
        return
    assert proc.returncode == 0, err
    ok, report = validate(out)
    assert ok, report
    bundle = json.loads(out.read_text())
    for entry in bundle.get("entry", []):
        assert entry["resource"]["resourceType"] in ("Observation", "Procedure")
    # Every file reports what it read, by CDA element.
    assert "CDA" in err


def _score(tacebridge, *args):
    proc = tacebridge("score", "--now", NOW, *args, check_exit=0)
    bundle = json.loads(proc.stdout)
    resources = [e["resource"] for e in bundle["entry"]]
    # The p-TACE RiskAssessments (patients with a TACE session also get refractoriness and ART/ABCR ones).
    risks = [r for r in resources if r["resourceType"] == "RiskAssessment" and r["method"]["coding"][0]["code"] == "p-tace"]
    obs = {r["code"]["coding"][0]["code"]: r for r in resources if r["resourceType"] == "Observation"}
    return risks, obs, proc


def test_cda_only_patient_lima_matches_the_hand_worked_arithmetic(tacebridge):
    """docs/scoring.md B.13: type-4 (5.5) + ALBI -2.0488 grade 2 (3.5) + AFP > 4000 (5) + GGT 88 (2) + 5.2 cm (2) = 18, grade 6."""
    risks, obs, proc = _score(tacebridge, "samples/cda/ptace-lima-imaging.xml", "samples/cda/ptace-lima-ccd.xml")
    assert len(risks) == 1
    assert risks[0]["prediction"][0]["probabilityDecimal"] == 0.881
    assert risks[0]["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "high"
    assert obs["ptace-total"]["valueQuantity"]["value"] == 18
    assert round(obs["albi-score"]["valueQuantity"]["value"], 4) == -2.0488
    err = proc.stderr.decode()
    # The traps: a negated finding, a requested measurement, a planned TACE, a pending AFP.
    for kind in ("negated", "order-not-result", "data-absent"):
        assert kind in err


def test_mixed_formats_give_one_ptace_for_patient_mike(tacebridge):
    """docs/scoring.md B.14: labs in HL7 v2, imaging in CDA, TACE in FHIR, one patient through the
    site's assigning-authorities.csv: type-2 (0) + ALBI -2.7734 grade 1 (0) + AFP 420 (3) + GGT 140 (3.5) + 5.4 cm (2) = 8.5."""
    risks, obs, _ = _score(tacebridge, "--mappings", "samples/mixed/mappings",
                           "samples/mixed/labs.hl7", "samples/mixed/imaging.xml", "samples/mixed/procedures.json")
    assert len(risks) == 1
    assert risks[0]["subject"]["reference"] == "Patient/ptace-mike"
    assert risks[0]["prediction"][0]["probabilityDecimal"] == 0.421
    assert obs["ptace-total"]["valueQuantity"]["value"] == 8.5
    assert round(obs["albi-score"]["valueQuantity"]["value"], 4) == -2.7734


def test_mixed_formats_without_the_identifier_table_are_not_joined(tacebridge):
    # HL7 v2 and CDA still agree (both urn:oid:2.999.1.2.3), but nothing links them to the FHIR
    # Patient's system: no TACE for that group, so no score for anyone.
    risks, _, proc = _score(tacebridge, "samples/mixed/labs.hl7", "samples/mixed/imaging.xml", "samples/mixed/procedures.json")
    assert risks == []
    assert b"2 patient(s): 0 scored, 2 incomplete" in proc.stderr


def test_cda_imaging_sample_converts_to_canonical_units(tacebridge):
    """samples/cda/ptace-lima-imaging.xml, by hand: type-4, 52 mm = 5.2 cm, 3 tumors, Vp0, no EHS, all at 2025-02-26T11:30+02:00."""
    proc = tacebridge("convert", "--now", NOW, "samples/cda/ptace-lima-imaging.xml", check_exit=0)
    ok, report = validate(proc.stdout)
    assert ok, report
    values = {}
    for e in json.loads(proc.stdout)["entry"]:
        r = e["resource"]
        value = r.get("valueQuantity", {}).get("value")
        if "valueCodeableConcept" in r:
            value = r["valueCodeableConcept"]["coding"][0]["code"]
        values.setdefault(r["code"]["coding"][0]["code"], []).append((value, r["effectiveDateTime"]))
    assert values == {
        "vascularization-pattern": [("type-4", "2025-02-26T11:30:00+02:00")],
        "largest-tumor-diameter": [(5.2, "2025-02-26T11:30:00+02:00"), (3.9, "2024-11-25T10:00:00+01:00")],
        "tumor-count": [(3, "2025-02-26T11:30:00+02:00")],
        "portal-vein-invasion": [("Vp0", "2025-02-26T11:30:00+02:00")],
        "extrahepatic-spread": [("absent", "2025-02-26T11:30:00+02:00")],
    }
