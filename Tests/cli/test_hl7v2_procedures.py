"""TACE sessions and other treatments from HL7 v2 PR1 segments (issue 4 item 1: the timeline from
any input format). A site maps its procedure codes (coding system 99PRC) to procedure concepts."""
import json

from conftest import NOW

SITE_CODES = """system,code,concept
99PRC,TACE01,tace-procedure
99PRC,RFA,ablation
99PRC,ALB,albumin
"""

MESSAGE = (
    b"MSH|^~\\&|PAS|HOSP|TACEBRIDGE|ONC|20250320120000+0100||ADT^A08^ADT_A01|ADT-1|P|2.5.1\r"
    b"EVN|A08|20250320120000+0100\r"
    b"PID|1||P-5^^^HOSP^MR\r"
    b"PR1|1||TACE01^Chemoembolisation^99PRC||20250110083000+0100\r"
    b"PR1|2||TACE01^Chemoembolisation^99PRC||20250311090000+0100\r"
    b"PR1|3||RFA^Radiofrequency ablation^99PRC||20250318\r"
    b"PR1|4||TACE01^Chemoembolisation^99PRC||20250319" + b"|" * 15 + b"D\r"  # PR1-20
    b"PR1|5||XYZ^Other^99PRC||20250319\r"
    b"PR1|6||ALB^Albumin^99PRC||20250319\r"
)


def test_pr1_segments_become_procedure_events(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "codes.csv").write_text(SITE_CODES)
    msg = tmp_path / "adt.hl7"
    msg.write_bytes(MESSAGE)
    proc = tacebridge("convert", "--now", NOW, "--mappings", site, "--verbose", msg, check_exit=0)
    procedures = [(r["code"]["coding"][0]["code"], r["performedDateTime"], r["status"])
                  for r in (e["resource"] for e in json.loads(proc.stdout)["entry"])
                  if r["resourceType"] == "Procedure"]
    assert procedures == [
        ("tace", "2025-01-10T08:30:00+01:00", "completed"),
        ("tace", "2025-03-11T09:00:00+01:00", "completed"),
        ("ablation", "2025-03-18", "completed"),
    ]
    err = proc.stderr.decode()
    assert "PR1[4] [PR1] procedure-not-completed" in err      # PR1-20 'D': the record is deleted
    assert "PR1[5] [PR1] unmapped-code" in err                 # counted, not dropped
    assert "PR1[6] [PR1] unsupported-value-type" in err        # a lab code is no procedure
    assert "P-5" not in err


def test_pr1_sessions_feed_the_refractoriness_timeline(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "codes.csv").write_text(SITE_CODES)
    msg = tmp_path / "adt.hl7"
    msg.write_bytes(MESSAGE)
    out = json.loads(tacebridge("timeline", "--format", "json", "--as-of", "2025-04-01", "--mappings", site, msg).stdout)
    text = json.dumps(out)
    assert "2025-01-10" in text and "2025-03-11" in text and "ablation" in text


def test_malformed_pr1_time_is_positioned(tacebridge, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "codes.csv").write_text(SITE_CODES)
    msg = tmp_path / "bad.hl7"
    msg.write_bytes(MESSAGE.replace(b"20250318\r", b"2025-03-18\r"))
    proc = tacebridge("convert", "--mappings", site, msg, check_exit=65)
    assert b"message 1 PR1[3]-5" in proc.stderr
