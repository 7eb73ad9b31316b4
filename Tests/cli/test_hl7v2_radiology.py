"""Structured radiology findings in an HL7 v2 ORU (issue 3 item 2): a radiology system's local codes
(coding system 99RAD) mapped by a site's codes.csv and values.csv, through the same tables as labs."""
import json

from conftest import NOW

# A count carries no unit in OBX-6: the site says which unit to assume (without it: missing-unit).
SITE_CODES = """system,code,concept,default_unit
99RAD,VASC,vascularization-pattern,
99RAD,MAXD,largest-tumor-diameter,
99RAD,NTUM,tumor-count,1
99RAD,MREC,mrecist-response,
99RAD,VP,portal-vein-invasion,
99RAD,EHS,extrahepatic-spread,
"""

SITE_VALUES = """concept,system,code,value
vascularization-pattern,99RAD,V3,type-3
mrecist-response,99RAD,PR,PR
portal-vein-invasion,99RAD,VP2,Vp2
extrahepatic-spread,99RAD,N,absent
"""

# One CT report: OBR with the study time (+0900), six OBX. OBX 7 is preliminary and OBX 8 has a
# local code nobody mapped: neither may become a finding.
MESSAGE = (
    b"MSH|^~\\&|RIS|HOSP|TACEBRIDGE|ONC|20250301120000+0900||ORU^R01^ORU_R01|RAD-1|P|2.5.1\r"
    b"PID|1||R-77^^^HOSP^MR\r"
    b"OBR|1|ORD-9|FIL-9|74176^CT abdomen^C4|||20250301101500+0900|||||||||||||||20250301115000+0900|||F\r"
    b"OBX|1|CWE|VASC^Vascularization pattern^99RAD||V3^Type 3^99RAD||||||F\r"
    b"OBX|2|NM|MAXD^Largest tumor diameter^99RAD||62|mm^millimeter^UCUM|||||F\r"
    b"OBX|3|NM|NTUM^Number of tumors^99RAD||3||||||F\r"
    b"OBX|4|CWE|MREC^mRECIST overall response^99RAD||PR^Partial response^99RAD||||||F\r"
    b"OBX|5|CWE|VP^Portal vein invasion^99RAD||VP2^Vp2^99RAD||||||C\r"
    b"OBX|6|CWE|EHS^Extrahepatic spread^99RAD||N^None^99RAD||||||F\r"
    b"OBX|7|NM|MAXD^Largest tumor diameter^99RAD||70|mm^millimeter^UCUM|||||P\r"
    b"OBX|8|ST|LIPI^Lipiodol deposition^99RAD||dense||||||F\r"
)


def test_structured_radiology_findings_map_through_site_tables(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "codes.csv").write_text(SITE_CODES)
    (site / "values.csv").write_text(SITE_VALUES)
    msg = tmp_path / "ct.hl7"
    msg.write_bytes(MESSAGE)
    proc = tacebridge("convert", "--now", NOW, "--mappings", site, msg, check_exit=0)
    found = {}
    for e in json.loads(proc.stdout)["entry"]:
        r = e["resource"]
        concept = r["code"]["coding"][0]["code"]
        if "valueQuantity" in r:
            value = (r["valueQuantity"]["value"], r["valueQuantity"]["code"])
        else:
            value = r["valueCodeableConcept"]["coding"][0]["code"]
        found.setdefault(concept, []).append((value, r["status"], r["effectiveDateTime"]))
    t = "2025-03-01T10:15:00+09:00"  # OBR-7: no OBX-14 on these results
    assert found == {
        "vascularization-pattern": [("type-3", "final", t)],
        "largest-tumor-diameter": [((6.2, "cm"), "final", t), ((7, "cm"), "preliminary", t)],
        "tumor-count": [((3, "1"), "final", t)],
        "mrecist-response": [("PR", "final", t)],
        "portal-vein-invasion": [("Vp2", "corrected", t)],
        "extrahepatic-spread": [("absent", "final", t)],
    }
    assert b"unmapped-code" in proc.stderr  # OBX 8, counted, not dropped
    assert b"R-77" not in proc.stderr
