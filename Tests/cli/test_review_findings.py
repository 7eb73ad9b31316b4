"""Regression tests for defects found by reviewing the CLI as a user would."""
import json
import os
import stat
import threading

from conftest import NOW, ROOT


def observation(code, value, subject, when="2025-01-08T08:00:00+08:00", status="final", rid=None):
    r = {"resourceType": "Observation", "status": status,
         "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
         "subject": subject, "effectiveDateTime": when, "valueQuantity": value}
    if rid:
        r["id"] = rid
    return r


def test_output_to_a_fifo_writes_through_and_leaves_it_a_fifo(tacebridge, tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()))
    reader.start()
    tacebridge("convert", "--quiet", "-o", fifo, "samples/fhir/ptace-grade1.json", check_exit=0)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received[0])["resourceType"] == "Bundle"
    assert not (tmp_path / "out.fifo.partial").exists()


def test_transaction_provenance_put_carries_its_id(tacebridge):
    bundle = json.loads(tacebridge("score", "--quiet", "--bundle", "transaction", "samples/fhir/ptace-grade5.json", check_exit=0).stdout)
    for e in bundle["entry"]:
        if e["request"]["method"] == "PUT":
            assert e["request"]["url"] == f"{e['resource']['resourceType']}/{e['resource']['id']}"


def test_identifier_only_subjects_join_the_patient_with_that_identifier(tacebridge, tmp_path):
    mrn = {"system": "urn:oid:1.2.3.4", "value": "MRN-77"}
    f = tmp_path / "split.ndjson"
    lines = [{"resourceType": "Patient", "id": "p77", "identifier": [mrn]},
             observation("1834-1", {"value": 25, "unit": "ng/mL"}, {"identifier": mrn}),
             observation("2324-2", {"value": 40, "unit": "U/L"}, {"reference": "Patient/p77"})]
    f.write_text("\n".join(json.dumps(l) for l in lines) + "\n")
    proc = tacebridge("score", "--as-of", "2025-01-10", f, check_exit=0)
    assert b"1 patient(s)" in proc.stderr


def test_preliminary_results_are_counted_as_not_used_for_scoring(tacebridge):
    proc = tacebridge("score", "--verbose", "samples/fhir/ptace-grade1.json", check_exit=0)
    assert b"status-not-for-scoring" in proc.stderr and b"afp: status preliminary" in proc.stderr


def test_date_time_without_offset_is_invalid_not_silently_utc(tacebridge, tmp_path):
    f = tmp_path / "nooffset.json"
    f.write_text(json.dumps(observation("1834-1", {"value": 5, "unit": "ng/mL"}, {"reference": "Patient/p"},
                                        when="2025-02-03T10:00:00")))
    proc = tacebridge("convert", f, check_exit=65)
    assert b"$.effectiveDateTime" in proc.stderr


def test_raw_input_text_is_not_echoed_in_errors(tacebridge, tmp_path):
    f = tmp_path / "misaligned.json"
    r = observation("1834-1", {"value": 5, "unit": "Jane Doe"}, {"reference": "Patient/p"})
    f.write_text(json.dumps(r))
    proc = tacebridge("convert", "--verbose", f, check_exit=0)
    assert b"Jane Doe" not in proc.stderr and b"unknown-unit" in proc.stderr
    r["status"] = "Jane Doe 1958-03-14"
    f.write_text(json.dumps(r))
    proc = tacebridge("convert", f, check_exit=65)
    assert b"Jane" not in proc.stderr and b"$.status" in proc.stderr


def test_same_file_twice_is_refused(tacebridge):
    proc = tacebridge("convert", "samples/fhir/ptace-grade1.json", "samples/fhir/ptace-grade1.json", check_exit=64)
    assert b"more than once" in proc.stderr


def test_source_paths_stay_out_of_output_unless_asked(tacebridge):
    plain = tacebridge("convert", "--quiet", "samples/fhir/ptace-grade1.json", check_exit=0).stdout
    traced = tacebridge("convert", "--quiet", "--trace-source", "samples/fhir/ptace-grade1.json", check_exit=0).stdout
    assert b"source-location" not in plain and b"samples/fhir" not in plain
    assert b"source-location" in traced and b"samples/fhir/ptace-grade1.json" in traced


def test_original_value_extension_keeps_the_source_comparator(tacebridge, tmp_path):
    resources = [
        {"resourceType": "Patient", "id": "p1"},
        observation("1834-1", {"value": 60500, "comparator": ">", "unit": "ng/mL", "system": "http://unitsofmeasure.org",
                               "code": "ng/mL"}, {"reference": "Patient/p1"}, rid="afp-gt"),
        observation("1834-1", {"value": 12, "unit": "ng/mL", "system": "http://unitsofmeasure.org", "code": "ng/mL"},
                    {"reference": "Patient/p1"}, rid="afp-eq"),
    ]
    f = tmp_path / "in.ndjson"
    f.write_text("\n".join(json.dumps(r) for r in resources) + "\n")
    out = json.loads(tacebridge("convert", "--quiet", f).stdout)
    originals = {}
    for e in out["entry"]:
        r = e["resource"]
        ext = {x["url"].rsplit("/", 1)[1]: x for x in r.get("extension", [])}
        originals[r["valueQuantity"]["value"]] = (ext["original-value"]["valueString"], r["valueQuantity"].get("comparator"))
    assert originals[60500] == (">60500 ng/mL", ">")
    assert originals[12] == ("12 ng/mL", None)


def test_hl7v2_time_without_offset_is_not_given_an_invented_zone(tacebridge, tmp_path):
    f = tmp_path / "local.hl7"
    f.write_bytes(b"MSH|^~\\&|LAB|HOSP|||20250101||ORU^R01|1|P|2.5\r"
                  b"PID|1||123^^^HOSP^MR\r"
                  b"OBR|1||F1|24325-3^Hepatic panel^LN\r"
                  b"OBX|1|NM|1751-7^Albumin^LN||3.5|g/dL^^UCUM|||||F|||20250310234500\r"
                  b"OBX|2|NM|1975-2^Bilirubin^LN||0.8|mg/dL^^UCUM|||||F|||20250310234500+0100\r")
    bundle = json.loads(tacebridge("convert", "--quiet", "--now", NOW, f).stdout)
    by_code = {}
    for e in bundle["entry"]:
        r = e["resource"]
        ext = {x["url"].rsplit("/", 1)[1]: x.get("valueString") for x in r.get("extension", [])}
        by_code[r["code"]["coding"][0]["code"]] = (r["effectiveDateTime"], ext.get("source-local-time"))
    # No offset in OBX-14: the local date, and the local time kept in an extension; never "Z".
    assert by_code["albumin"] == ("2025-03-10", "2025-03-10T23:45:00")
    # With an offset: the full time, no extension.
    assert by_code["bilirubin-total"] == ("2025-03-10T23:45:00+01:00", None)
