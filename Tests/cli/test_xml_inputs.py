"""XML inputs through the binary: HL7 v2 XML (v2.xml) and lab reports in a site-described XML format
(mappings/xml-formats.csv, or a site's own in --mappings DIR, no recompiling)."""
import json

from conftest import NOW, ROOT, validate


def observations(stdout):
    out = {}
    for e in json.loads(stdout)["entry"]:
        r = e["resource"]
        q = r.get("valueQuantity", {})
        out[r["code"]["coding"][0]["code"]] = (q.get("comparator", ""), q.get("value"), q.get("code"), r["status"], r.get("effectiveDateTime"))
    return out


def without_full_urls(stdout):
    """Entry fullUrls derive from the source position (file, location); everything else must agree."""
    bundle = json.loads(stdout)
    for e in bundle["entry"]:
        del e["fullUrl"]
    return bundle


def test_hl7v2_xml_sample_gives_the_er7_sample_output(tacebridge):
    er7 = tacebridge("convert", "--now", NOW, "samples/hl7v2/ptace-labs.hl7", check_exit=0)
    xml = tacebridge("convert", "--now", NOW, "samples/hl7v2/ptace-labs.xml", check_exit=0)
    assert without_full_urls(xml.stdout) == without_full_urls(er7.stdout)
    ok, report = validate(xml.stdout)
    assert ok, report
    traced = tacebridge("convert", "--now", NOW, "--trace-source", "samples/hl7v2/ptace-labs.xml", check_exit=0)
    assert b"hl7v2-xml samples/hl7v2/ptace-labs.xml message 1 OBX[1] (line 42: /v2:ORU_R01/" in traced.stdout


def hl7_xml(body, root="ORU_R01", ns="urn:hl7-org:v2xml"):
    msh = ("<MSH><MSH.3><HD.1>LAB</HD.1></MSH.3><MSH.9><MSG.1>ORU</MSG.1><MSG.2>R01</MSG.2></MSH.9>"
           "<MSH.10>X1</MSH.10><MSH.11><PT.1>P</PT.1></MSH.11><MSH.12><VID.1>2.5.1</VID.1></MSH.12></MSH>")
    return f'<?xml version="1.0"?>\n<{root} xmlns="{ns}">\n{msh}\n{body}\n</{root}>\n'.encode()


def test_hl7v2_xml_result_is_read_with_its_element_in_the_report(tacebridge, tmp_path):
    f = tmp_path / "m.xml"
    f.write_bytes(hl7_xml("<PID><PID.3><CX.1>SECRET-MRN</CX.1><CX.4><HD.1>HOSP</HD.1></CX.4></PID.3></PID>\n"
                          "<OBX><OBX.2>NM</OBX.2><OBX.3><CE.1>1834-1</CE.1><CE.3>LN</CE.3></OBX.3><OBX.5>12</OBX.5>"
                          "<OBX.6><CE.1>ng/mL</CE.1><CE.3>UCUM</CE.3></OBX.6><OBX.11>F</OBX.11></OBX>\n"
                          "<OBX><OBX.2>NM</OBX.2><OBX.3><CE.1>4548-4</CE.1><CE.3>LN</CE.3></OBX.3><OBX.5>5.9</OBX.5><OBX.11>F</OBX.11></OBX>"))
    proc = tacebridge("convert", "--now", NOW, "--verbose", f, check_exit=0)
    assert observations(proc.stdout) == {"afp": ("", 12, "ng/mL", "final", None)}
    err = proc.stderr.decode()
    assert "message 1 OBX[2] (line 6: /v2:ORU_R01/v2:OBX[2])" in err and "unmapped-code" in err
    assert "SECRET-MRN" not in err


def test_hl7v2_xml_without_msh_exits_65_with_the_element_or_is_counted_with_skip(tacebridge, tmp_path):
    f = tmp_path / "nomsh.xml"
    f.write_bytes(b'<ORU_R01 xmlns="urn:hl7-org:v2xml">\n  <PID><PID.3><CX.1>SECRET-MRN</CX.1></PID.3></PID>\n</ORU_R01>\n')
    proc = tacebridge("convert", "--now", NOW, f, check_exit=65)
    err = proc.stderr.decode()
    assert "nomsh.xml" in err and "line 2: /v2:ORU_R01/v2:PID[1]" in err and "MSH" in err
    assert "SECRET-MRN" not in err
    proc = tacebridge("convert", "--now", NOW, "--on-invalid", "skip", "--verbose", f, check_exit=0)
    assert b"invalid-resource" in proc.stderr and b"/v2:ORU_R01/v2:PID[1]" in proc.stderr


def test_hl7v2_message_in_the_wrong_namespace_is_not_read_as_hl7v2(tacebridge, tmp_path):
    f = tmp_path / "v3.xml"
    f.write_bytes(hl7_xml("", ns="urn:hl7-org:v3"))
    proc = tacebridge("convert", f, check_exit=65)
    # In the CDA namespace it is read as a CDA fragment, which it is not a valid one of: named, refused.
    assert b"/ORU_R01 (line 2): a CDA fragment with root <ORU_R01> holds no results" in proc.stderr
    f.write_bytes(hl7_xml("").replace(b' xmlns="urn:hl7-org:v2xml"', b""))
    proc = tacebridge("convert", f, check_exit=65)
    assert b"in no namespace" in proc.stderr and b"urn:hl7-org:v2xml" in proc.stderr


def test_malformed_xml_exits_65_with_its_line_and_no_content(tacebridge, tmp_path):
    f = tmp_path / "broken.xml"
    f.write_bytes(b'<ORU_R01 xmlns="urn:hl7-org:v2xml">\n<MSH>\n<MSH.10>SECRET-ID</MSH.11>\n</ORU_R01>\n')
    proc = tacebridge("convert", f, check_exit=65)
    err = proc.stderr.decode()
    assert "broken.xml" in err and "line 3" in err and "SECRET-ID" not in err


def test_external_entities_are_never_read(tacebridge, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT")
    f = tmp_path / "xxe.xml"
    f.write_bytes(f'<?xml version="1.0"?><!DOCTYPE ORU_R01 [<!ENTITY x SYSTEM "file://{secret}">]>'.encode()
                  + hl7_xml("<NTE><NTE.3>&x;</NTE.3></NTE>").split(b"?>", 1)[1])
    proc = tacebridge("convert", f, check_exit=65)
    assert b"SECRET-FILE-CONTENT" not in proc.stdout + proc.stderr
    assert b"DOCTYPE" in proc.stderr or b"doctype" in proc.stderr.lower()


def test_kestrel_sample_by_hand(tacebridge):
    """samples/legacy-xml/kestrel-labs.xml through the default kestrel-lab-report rows: albumin 38 g/l,
    bilirubin 21 umol/l, GGT 1.5 ukat/l x 60 = 90 U/L (PRE), AFP 412 ng/ml (COR), CRP < 5 mg/l; a cancelled
    AFP, an unmapped HbA1c and a platelet count without value are counted."""
    proc = tacebridge("convert", "--now", NOW, "--verbose", "samples/legacy-xml/kestrel-labs.xml", check_exit=0)
    ok, report = validate(proc.stdout)
    assert ok, report
    assert observations(proc.stdout) == {
        "albumin": ("", 38, "g/L", "final", "2025-03-10T07:45:00+01:00"),
        "bilirubin-total": ("", 21, "umol/L", "final", "2025-03-10T06:45:00Z"),
        "ggt": ("", 90, "U/L", "preliminary", "2025-03-10T07:45:00+01:00"),
        "afp": ("", 412, "ng/mL", "corrected", "2025-03-10T07:45:00+01:00"),
        "crp": ("<", 5, "mg/L", "final", "2025-03-10"),  # no offset in the file: local date only, never an invented Z
    }
    err = proc.stderr.decode()
    for kind in ("excluded-status", "unmapped-code", "no-value"):
        assert kind in err
    assert "record 7 (line 50: (/k:LabReport/k:Results/k:Analysis)[7])" in err
    for secret in ("PTACE-K01", "K-778812", "Testpatient", "1961-07-14"):
        assert secret not in err


ACME_ROWS = """format,role,key,value
acme,root,Report,urn:example:acme:1
acme,namespace,a,urn:example:acme:1
acme,record,,/a:Report/a:Result
acme,patient-id,,/a:Report/@patient
acme,code,,@test
acme,code-system,,'LN'
acme,value,,.
acme,unit,,@unit
acme,time,,@at
acme,status,,@status
acme,status-map,OK,final
"""

ACME_DOC = b"""<?xml version="1.0"?>
<a:Report xmlns:a="urn:example:acme:1" patient="SECRET-PATIENT">
  <a:Result test="1751-7" unit="g/dL" at="2025-02-01T08:00:00+01:00" status="OK">4.1</a:Result>
  <a:Result test="2324-2" unit="U/L" at="2025-02-01T08:00:00+01:00" status="??">70</a:Result>
</a:Report>
"""


def test_a_site_adds_its_own_xml_format_in_its_mappings_folder(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "xml-formats.csv").write_text(ACME_ROWS)
    doc = tmp_path / "acme.xml"
    doc.write_bytes(ACME_DOC)
    # Without the site folder the root is unknown.
    tacebridge("convert", doc, check_exit=65)
    # With it: the unknown status stops the run with the record's position ...
    proc = tacebridge("convert", "--now", NOW, "--mappings", site, doc, check_exit=65)
    err = proc.stderr.decode()
    assert "record 2 (line 4: (/a:Report/a:Result)[2]): status:" in err and "SECRET-PATIENT" not in err
    # ... or is counted with --on-invalid skip, and the other record is read.
    proc = tacebridge("convert", "--now", NOW, "--mappings", site, "--on-invalid", "skip", "--verbose", doc, check_exit=0)
    assert observations(proc.stdout) == {"albumin": ("", 41, "g/L", "final", "2025-02-01T08:00:00+01:00")}
    assert b"invalid-resource" in proc.stderr
    assert b"SECRET-PATIENT" not in proc.stderr


def test_a_bad_xpath_row_exits_78_with_file_and_line(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "xml-formats.csv").write_text(ACME_ROWS.replace("acme,unit,,@unit", "acme,unit,,@unit[="))
    for args in (["mappings"], ["convert", "samples/hl7v2/ptace-labs.hl7"]):
        proc = tacebridge(*args[:1], "--mappings", site, *args[1:], check_exit=78)
        assert f"{site}/xml-formats.csv:9: unit XPath".encode() in proc.stderr
    (site / "xml-formats.csv").write_text(ACME_ROWS.replace("acme,code,,@test", "acme,code,,b:test"))
    proc = tacebridge("mappings", "--mappings", site, check_exit=78)
    assert f"{site}/xml-formats.csv:6: code XPath".encode() in proc.stderr and b"prefix 'b'" in proc.stderr
    (site / "xml-formats.csv").write_text(ACME_ROWS.replace("acme,record,,/a:Report/a:Result\n", ""))
    proc = tacebridge("mappings", "--mappings", site, check_exit=78)
    assert f"{site}/xml-formats.csv:2: format 'acme' has no record row".encode() in proc.stderr
