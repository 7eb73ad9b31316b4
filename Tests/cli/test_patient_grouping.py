"""Grouping observations by patient: ambiguous identifiers, identifiers without system, any shared identifier."""
import json

from conftest import NOW

MSH = "MSH|^~\\&|LIS|{facility}|TB|ONC|20250106093000+0100||ORU^R01|{control}|P|2.5.1"
OBR = "OBR|1|||24325-3^Hepatic panel^LN|||20250106073000+0100"


def hl7(path, facility, control, pid3, obx):
    """One ORU^R01 message (segments separated by CR) with the given PID-3 and OBX segments."""
    segments = [MSH.format(facility=facility, control=control), f"PID|1||{pid3}", OBR, *obx]
    path.write_bytes(("\r".join(segments) + "\r").encode())
    return path


ALBUMIN = "OBX|1|NM|1751-7^Albumin^LN||3.5|g/dL^^UCUM|||||F|||20250106073000+0100"
BILIRUBIN = "OBX|2|NM|1975-2^Bilirubin^LN||1.0|mg/dL^^UCUM|||||F|||20250106073000+0100"


def score(tacebridge, *files):
    proc = tacebridge("score", "--verbose", "--now", NOW, "--as-of", "2025-01-10", *files, check_exit=0)
    return proc, json.loads(proc.stdout)


def patients_named(proc):
    """The Patient references the output names (an incomplete p-TACE says "Patient: Patient/p1.")."""
    return sorted({p for p in ("Patient/p1", "Patient/p2", "Patient/p3") if p.encode() in proc.stdout})


def test_identifier_held_by_several_patients_attributes_nothing_and_says_why(tacebridge, tmp_path):
    shared = {"system": "urn:h", "value": "1001"}
    f = tmp_path / "shared.ndjson"
    lines = [{"resourceType": "Patient", "id": pid, "identifier": [shared]} for pid in ("p1", "p2", "p3")]
    lines.append({"resourceType": "Observation", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "1751-7"}]},
                  "subject": {"identifier": shared}, "effectiveDateTime": "2025-01-08T08:00:00+08:00",
                  "valueQuantity": {"value": 3.5, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"}})
    f.write_text("\n".join(json.dumps(l) for l in lines) + "\n")
    runs = [score(tacebridge, f) for _ in range(3)]
    for proc, bundle in runs:
        assert patients_named(proc) == []
        assert b"0 patient(s)" in proc.stderr
        assert b"no-subject" in proc.stderr and b"identifier shared by 3 Patient resources" in proc.stderr
        assert b"1001" not in proc.stderr
    assert len({proc.stdout for proc, _ in runs}) == 1


def test_identifier_without_assigning_authority_does_not_join_two_files(tacebridge, tmp_path):
    a = hl7(tmp_path / "s1.hl7", "LABA", "M1", "1001", [ALBUMIN])
    b = hl7(tmp_path / "s2.hl7", "LABB", "M2", "1001", [BILIRUBIN])
    proc, bundle = score(tacebridge, a, b)
    assert b"2 patient(s)" in proc.stderr


def test_identifier_without_assigning_authority_still_groups_within_its_file(tacebridge, tmp_path):
    a = tmp_path / "both.hl7"
    first = [MSH.format(facility="LABA", control="M1"), "PID|1||1001", OBR, ALBUMIN]
    second = [MSH.format(facility="LABA", control="M2"), "PID|1||1001", OBR, BILIRUBIN]
    a.write_bytes(("\r".join(first) + "\r" + "\r".join(second) + "\r").encode())
    proc, bundle = score(tacebridge, a)
    assert b"1 patient(s)" in proc.stderr


def test_identifiers_in_a_different_order_are_one_patient(tacebridge, tmp_path):
    a = hl7(tmp_path / "a.hl7", "LABA", "M1", "X1^^^HA~Y1^^^HB", [ALBUMIN])
    b = hl7(tmp_path / "b.hl7", "LABB", "M2", "Y1^^^HB~X1^^^HA", [BILIRUBIN])
    proc, bundle = score(tacebridge, a, b)
    assert b"1 patient(s)" in proc.stderr


def test_patients_linked_only_through_a_chain_of_identifiers_are_one_patient(tacebridge, tmp_path):
    a = hl7(tmp_path / "a.hl7", "LABA", "M1", "X1^^^HA", [ALBUMIN])
    b = hl7(tmp_path / "b.hl7", "LABB", "M2", "Z1^^^HC", [BILIRUBIN])
    c = hl7(tmp_path / "c.hl7", "LABC", "M3", "X1^^^HA~Z1^^^HC", [ALBUMIN.replace("3.5", "3.6")])
    proc, bundle = score(tacebridge, a, b, c)
    assert b"1 patient(s)" in proc.stderr


def test_ambiguous_identifier_does_not_merge_patients_but_another_identifier_still_attributes(tacebridge, tmp_path):
    shared = {"system": "urn:tacebridge:hl7v2-authority:H", "value": "1001"}
    own = {"system": "urn:tacebridge:hl7v2-authority:OWN", "value": "A7"}
    f = tmp_path / "patients.ndjson"
    lines = [{"resourceType": "Patient", "id": "p1", "identifier": [shared, own]},
             {"resourceType": "Patient", "id": "p2", "identifier": [shared]}]
    f.write_text("\n".join(json.dumps(l) for l in lines) + "\n")
    m = hl7(tmp_path / "m.hl7", "LABA", "M1", "1001^^^H~A7^^^OWN", [ALBUMIN])
    proc, bundle = score(tacebridge, f, m)
    assert b"1 patient(s)" in proc.stderr
    assert patients_named(proc) == ["Patient/p1"]


def test_timeline_does_not_attribute_through_an_identifier_held_by_several_patients(tacebridge, tmp_path):
    shared = {"system": "urn:h", "value": "1001"}
    f = tmp_path / "shared.ndjson"
    lines = [{"resourceType": "Patient", "id": pid, "identifier": [shared]} for pid in ("p1", "p2")]
    lines.append({"resourceType": "Observation", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "1834-1"}]},
                  "subject": {"identifier": shared}, "effectiveDateTime": "2025-01-08T08:00:00+08:00",
                  "valueQuantity": {"value": 25, "unit": "ng/mL", "system": "http://unitsofmeasure.org", "code": "ng/mL"}})
    f.write_text("\n".join(json.dumps(l) for l in lines) + "\n")
    proc = tacebridge("timeline", "--verbose", "--format", "json", "--now", NOW, f, check_exit=0)
    assert json.loads(proc.stdout)["patients"] == []
    assert b"identifier shared by 2 Patient resources" in proc.stderr
