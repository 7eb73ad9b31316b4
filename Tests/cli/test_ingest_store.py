"""Issue 5 through the CLI: ingest into a SQLite store (idempotent, recompute, amended versions),
dead letters (list/show/retry after a mapping fix), export (NDJSON, transaction Bundle, --post-to a
fake FHIR server that fails, refuses and accepts)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, validate

GRADE3 = ROOT / "samples/fhir/ptace-grade3.json"
LABS = ROOT / "samples/hl7v2/ptace-labs.hl7"


def albumin_update(tmp_path, version, status, value):
    bundle = json.loads(GRADE3.read_text())
    patient = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    alb = next(e for e in bundle["entry"] if e["resource"].get("id") == "charlie-alb")
    alb["resource"]["meta"] = {"versionId": version}
    alb["resource"]["status"] = status
    alb["resource"]["valueQuantity"]["value"] = value
    path = tmp_path / f"alb-{version}.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [patient, alb]}))
    return path


def ndjson_export(tacebridge, store):
    out = tacebridge("export", "--store", store, "--format", "ndjson", check_exit=0).stdout.decode()
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_ingest_twice_stores_once_and_recomputes_nothing_new(tacebridge, tmp_path):
    store = tmp_path / "tace.sqlite"
    first = tacebridge("ingest", "--store", store, GRADE3, LABS, check_exit=0).stderr.decode()
    assert "0 already stored" in first
    assert "recompute: 2 patients" in first
    second = tacebridge("ingest", "--store", store, GRADE3, LABS, check_exit=0).stderr.decode()
    assert " 0 units stored" in second
    assert "recompute: 0 patients" in second
    resources = ndjson_export(tacebridge, store)
    risks = [r for r in resources if r["resourceType"] == "RiskAssessment"]
    ptace = [r for r in risks if r["method"]["coding"][0]["code"] == "p-tace"]
    assert len(ptace) == 1 and ptace[0]["status"] == "final"


def test_a_correction_amends_the_risk_assessment_and_export_validates(tacebridge, tmp_path):
    store = tmp_path / "tace.sqlite"
    tacebridge("ingest", "--store", store, GRADE3, check_exit=0)
    err = tacebridge("ingest", "--store", store, albumin_update(tmp_path, "2", "corrected", 2.6), check_exit=0).stderr.decode()
    assert "1 amended" in err or "amended" in err
    resources = ndjson_export(tacebridge, store)
    ptace = [r for r in resources if r["resourceType"] == "RiskAssessment" and r["method"]["coding"][0]["code"] == "p-tace"]
    assert [r["status"] for r in ptace] == ["final", "amended"]
    replaced = ptace[1]["extension"][0]["valueReference"]["identifier"]["value"]
    assert replaced == ptace[0]["identifier"][0]["value"]
    bundle = tacebridge("export", "--store", store, "--format", "bundle", check_exit=0).stdout
    ok, report = validate(bundle, project_checks=False)
    assert ok, report


def test_dead_letter_list_show_and_retry_after_a_mapping_fix(tacebridge, tmp_path):
    store = tmp_path / "tace.sqlite"
    message = ("MSH|^~\\&|RIS|RAD|TACEBRIDGE|ONC|20250217130000+0100||ORU^R01^ORU_R01|R1|P|2.5.1\r"
               "PID|1||MRN-9^^^HOSP^MR\r"
               "OBR|1|ORD-9|FIL-9|CT^CT liver^99LOC|||20250217130000+0100\r"
               "OBX|1|CWE|VASC^Vascularization^99LOC||T3^Type three^99LOC||||||F|||20250217130000+0100\r")
    (tmp_path / "ct.hl7").write_bytes(message.encode())
    codes = tmp_path / "codes-only"
    codes.mkdir()
    (codes / "codes.csv").write_text("system,code,concept\n99LOC,VASC,vascularization-pattern\n")
    proc = tacebridge("ingest", "--store", store, "--mappings", codes, tmp_path / "ct.hl7", check_exit=2)
    assert "1 dead-lettered" in proc.stderr.decode()
    listing = tacebridge("deadletter", "list", "--store", store, check_exit=0).stdout.decode()
    assert "unmapped-value" in listing and "open" in listing
    assert "MRN-9" not in listing
    letter_id = listing.splitlines()[1].split("\t")[0]
    raw = tacebridge("deadletter", "show", letter_id, "--store", store, "--raw", check_exit=0).stdout
    assert raw == message.encode()
    tacebridge("deadletter", "retry", letter_id, "--store", store, "--mappings", codes, check_exit=2)
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (fixed / "codes.csv").write_text("system,code,concept\n99LOC,VASC,vascularization-pattern\n")
    (fixed / "values.csv").write_text("concept,system,code,value\nvascularization-pattern,99LOC,T3,type-3\n")
    out = tacebridge("deadletter", "retry", letter_id, "--store", store, "--mappings", fixed, check_exit=0).stderr.decode()
    assert "stored" in out
    assert "no open dead letters" in tacebridge("deadletter", "list", "--store", store, check_exit=0).stderr.decode()
    shown = tacebridge("deadletter", "show", letter_id, "--store", store, check_exit=0).stdout.decode()
    assert "resolved" in shown and "attempts:   2" in shown


class FakeFHIRServer:
    """Answers POSTs from a script of (status, body) and records what it received."""

    def __init__(self, script):
        self.script = list(script)
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                outer.received.append((self.headers.get("Authorization"), json.loads(self.rfile.read(length))))
                status, body = outer.script.pop(0) if outer.script else (200, None)
                if body is None:
                    bundle = outer.received[-1][1]
                    body = {"resourceType": "Bundle", "type": "transaction-response",
                            "entry": [{"response": {"status": "201 Created"}} for _ in bundle["entry"]]}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/fhir"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def test_post_to_retries_a_5xx_then_sends_with_the_token(tacebridge, tmp_path):
    store = tmp_path / "tace.sqlite"
    tacebridge("ingest", "--store", store, GRADE3, check_exit=0)
    (tmp_path / "token").write_text("s3cret\n")
    server = FakeFHIRServer([(503, {"resourceType": "OperationOutcome", "issue": []})])
    try:
        err = tacebridge("export", "--store", store, "--post-to", server.url, "--token-file", tmp_path / "token",
                         check_exit=0).stderr.decode()
    finally:
        server.close()
    assert "after 2 attempt(s)" in err
    assert len(server.received) == 2
    assert server.received[-1][0] == "Bearer s3cret"
    assert server.received[-1][1]["type"] == "transaction"


def test_post_to_reports_what_the_server_refused_without_diagnostics(tacebridge, tmp_path):
    store = tmp_path / "tace.sqlite"
    tacebridge("ingest", "--store", store, GRADE3, check_exit=0)
    refusal = {"resourceType": "Bundle", "type": "transaction-response", "entry": [
        {"response": {"status": "201 Created"}},
        {"response": {"status": "422 Unprocessable Entity", "outcome": {"resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "code": "invariant", "expression": ["RiskAssessment.basis"],
             "diagnostics": "value TEST-PTACE-CHARLIE rejected"}]}}}]}
    server = FakeFHIRServer([(200, refusal)])
    try:
        proc = tacebridge("export", "--store", store, "--post-to", server.url, "--retries", "0", check_exit=1)
    finally:
        server.close()
    err = proc.stderr.decode()
    assert "refused entry 1: 422 Unprocessable Entity: error invariant [RiskAssessment.basis]" in err
    assert "TEST-PTACE-CHARLIE" not in err
    assert len(server.received) == 1
