"""Exit codes and error texts as a user meets them (sysexits: 64 usage, 65 data, 66 no input, 78 config)."""
import json

from conftest import NOW, ROOT


def test_no_input_file_is_a_usage_error(tacebridge):
    proc = tacebridge("score", check_exit=64)
    assert b"at least one input file" in proc.stderr


def test_unknown_option_is_a_usage_error(tacebridge):
    tacebridge("score", "--no-such-option", "x.json", check_exit=64)


def test_bad_as_of_is_a_usage_error(tacebridge, tmp_path):
    proc = tacebridge("score", "--as-of", "yesterday", "x.json", check_exit=64)
    assert b"--as-of" in proc.stderr


def test_missing_file_exits_66_naming_it(tacebridge):
    proc = tacebridge("score", "does-not-exist.json", check_exit=66)
    assert b"does-not-exist.json" in proc.stderr


def test_directory_as_input_exits_66(tacebridge):
    tacebridge("convert", "samples", check_exit=66)


def test_truncated_json_exits_65_with_line_and_column_and_no_content(tacebridge, tmp_path):
    f = tmp_path / "truncated.json"
    f.write_text('{\n  "resourceType": "Patient",\n  "name": [{"family": "SECRETNAME"')
    proc = tacebridge("convert", f, check_exit=65)
    err = proc.stderr.decode()
    assert "truncated.json:3:" in err
    assert "SECRETNAME" not in err


def test_wrong_type_exits_65_with_json_path(tacebridge, tmp_path):
    f = tmp_path / "wrongtype.json"
    f.write_text(json.dumps({
        "resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1834-1"}]},
        "subject": {"reference": "Patient/p1"},
        "valueQuantity": {"value": "SECRET-520", "unit": "ng/mL", "system": "http://unitsofmeasure.org", "code": "ng/mL"}}))
    proc = tacebridge("convert", f, check_exit=65)
    err = proc.stderr.decode()
    assert "$.valueQuantity.value" in err and "number" in err
    assert "SECRET-520" not in err


def test_wrong_type_can_be_skipped_and_is_reported(tacebridge, tmp_path):
    f = tmp_path / "wrongtype.json"
    f.write_text(json.dumps({"resourceType": "Observation", "status": 5}))
    proc = tacebridge("convert", "--on-invalid", "skip", "--verbose", f, check_exit=0)
    assert b"invalid-resource" in proc.stderr and b"$.status" in proc.stderr


def test_deep_nesting_is_a_clear_error_not_a_crash(tacebridge, tmp_path):
    f = tmp_path / "deep.json"
    f.write_text('{"resourceType":"Bundle","x":' + "[" * 10000 + "]" * 10000 + "}")
    proc = tacebridge("convert", f, check_exit=65)
    assert b"deep" in proc.stderr.lower() or b"nest" in proc.stderr.lower()


def test_invalid_utf8_is_a_clear_error(tacebridge, tmp_path):
    f = tmp_path / "bad-utf8.json"
    f.write_bytes(b'{"resourceType":"Patient","id":"a\xff\xfeb"}')
    proc = tacebridge("convert", f, check_exit=65)
    assert b"UTF-8" in proc.stderr


def test_huge_number_is_a_clear_error(tacebridge, tmp_path):
    f = tmp_path / "huge.json"
    f.write_text('{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1834-1"}]},'
                 '"subject":{"reference":"Patient/p"},"valueQuantity":{"value":1e999,"unit":"ng/mL"}}')
    proc = tacebridge("convert", f, check_exit=65)
    assert b"valueQuantity.value" in proc.stderr


def test_hl7v2_oru_converts_to_normalized_observations(tacebridge, tmp_path):
    f = tmp_path / "msg.hl7"
    f.write_bytes(b"MSH|^~\\&|LAB|HOSP|||20250101||ORU^R01|1|P|2.5\r"
                  b"PID|1||123^^^HOSP^MR\r"
                  b"OBR|1||F1|24325-3^Hepatic panel^LN|||20250101080000+0100||||||||||||||||||F\r"
                  b"OBX|1|NM|1751-7^Albumin^LN||3.5|g/dL^^UCUM|||||F\r"
                  b"OBX|2|NM|1742-6^ALT^LN||40|U/L|||||X\r")
    proc = tacebridge("convert", "--now", NOW, f, check_exit=0)
    bundle = json.loads(proc.stdout)
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert len(observations) == 1
    assert observations[0]["valueQuantity"]["value"] == 35
    assert observations[0]["valueQuantity"]["code"] == "g/L"
    assert observations[0]["effectiveDateTime"] == "2025-01-01T08:00:00+01:00"
    assert b"excluded-status" in proc.stderr


def test_malformed_hl7v2_exits_65_with_position_or_is_counted_when_skipping(tacebridge, tmp_path):
    f = tmp_path / "bad.hl7"
    f.write_bytes(b"MSH|&&&&|LAB|HOSP|||20250101||ORU^R01|1|P|2.5\rPID|1||123\r")
    proc = tacebridge("convert", "--now", NOW, f, check_exit=65)
    assert b"bad.hl7" in proc.stderr and b"line 1" in proc.stderr
    proc = tacebridge("convert", "--now", NOW, "--on-invalid", "skip", f, check_exit=0)
    assert b"invalid-resource" in proc.stderr


def test_xml_that_is_not_cda_is_refused_clearly(tacebridge, tmp_path):
    f = tmp_path / "doc.xml"
    f.write_bytes(b"<?xml version='1.0'?><LabReport xmlns='urn:example:labs'/>")
    proc = tacebridge("score", f, check_exit=65)
    err = proc.stderr.decode()
    assert "root element 'LabReport' in namespace 'urn:example:labs' is not a format TACEBridge reads" in err
    assert "CDA" in err and "HL7 v2 XML" in err and "xml-formats.csv" in err


def test_utf16_xml_is_refused_naming_the_file_and_the_encoding(tacebridge, tmp_path):
    text = '<?xml version="1.0" encoding="UTF-16"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>'
    for name, data in (("bom-le.xml", text.encode("utf-16")), ("no-bom-be.xml", text.encode("utf-16-be"))):
        f = tmp_path / name
        f.write_bytes(data)
        err = tacebridge("convert", f, check_exit=65).stderr.decode()
        assert name in err and "UTF-16" in err and "convert it to UTF-8" in err


def test_unknown_format_is_refused_clearly(tacebridge, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    proc = tacebridge("convert", f, check_exit=65)
    assert b"unsupported format" in proc.stderr


def test_bad_mapping_row_exits_78_with_file_and_line(tacebridge, tmp_path):
    d = tmp_path / "site"
    d.mkdir()
    (d / "codes.csv").write_text("system,code,concept\nurn:oid:1.2.3,AFP,afp\nurn:oid:1.2.3,XYZ,not-a-concept\n")
    proc = tacebridge("score", "--mappings", d, "samples/fhir/ptace-grade1.json", check_exit=78)
    err = proc.stderr.decode()
    assert "codes.csv:3" in err and "not-a-concept" in err


def test_missing_mappings_directory_exits_78(tacebridge, tmp_path):
    tacebridge("score", "--mappings", tmp_path / "nope", "samples/fhir/ptace-grade1.json", check_exit=78)


def test_unknown_parameter_exits_78(tacebridge):
    proc = tacebridge("score", "--set", "ptace.noSuchThing=1", "samples/fhir/ptace-grade1.json", check_exit=78)
    assert b"ptace.noSuchThing" in proc.stderr


def test_bad_parameter_value_exits_78(tacebridge):
    tacebridge("score", "--set", "ptace.probabilitySource=coinFlip", "samples/fhir/ptace-grade1.json", check_exit=78)


def test_output_file_is_not_left_half_written_on_error(tacebridge, tmp_path):
    out = tmp_path / "out.json"
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    tacebridge("convert", "-o", out, "samples/fhir/ptace-grade1.json", bad, check_exit=65)
    assert not out.exists() and not (tmp_path / "out.json.partial").exists()


def test_help_teaches_with_examples(tacebridge):
    for command in ("score", "convert"):
        proc = tacebridge(command, "--help", check_exit=0)
        assert b"Examples:" in proc.stdout


def test_parameters_lists_every_named_value(tacebridge):
    proc = tacebridge("parameters", check_exit=0)
    out = proc.stdout.decode()
    for name in ("albi.albuminCoefficient", "ptace.probabilitySource", "ptace.labLookbackDays",
                 "ptace.imagingLookbackDays", "afp.ngPerIU", "ptace.intercept"):
        assert name in out


def test_site_row_changing_a_default_mapping_is_noted_and_listed(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "codes.csv").write_text("system,code,concept\nhttp://loinc.org,1751-7,ggt\n")
    proc = tacebridge("convert", "--mappings", site, ROOT / "samples/fhir/ptace-grade1.json", "-o", tmp_path / "out.json")
    assert b"1 row of --mappings" in proc.stderr
    listing = tacebridge("mappings", "--mappings", site).stdout.decode()
    assert "codes.csv:2: http://loinc.org|1751-7 → ggt overrides mappings/codes.csv:" in listing
    assert "(→ albumin)" in listing
    # The sample site folder only adds codes: nothing is noted.
    proc = tacebridge("mappings", "--mappings", ROOT / "samples/site-local/mappings")
    assert b"change" not in proc.stdout
