"""Two TACEBridge processes on one PostgreSQL store at once (issue 5, item 1 and 6): every unit is stored
exactly once and every patient ends with one current assessment per kind, whichever process got there first."""
import json
import os
import re
import subprocess
import uuid

import pytest

from conftest import ROOT, binary

URL = os.environ.get("TACEBRIDGE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL and os.environ.get("CI") != "true",
                                reason="TACEBRIDGE_TEST_POSTGRES_URL not set (scripts/test.sh starts a server)")

INPUTS = sorted(str(p) for p in (ROOT / "samples/fhir").glob("ptace-grade*.json")) + [str(ROOT / "samples/hl7v2/ptace-labs.hl7")]


def fresh_database():
    assert URL, "CI=true requires TACEBRIDGE_TEST_POSTGRES_URL (scripts/test.sh sets it)"
    name = "tb_" + uuid.uuid4().hex[:12]
    admin = URL.split("?")[0]
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, _, query = URL.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


def counts(stderr):
    m = re.search(r"ingest: (\d+) units stored, (\d+) already stored, (\d+) dead-lettered", stderr)
    assert m, stderr
    return tuple(map(int, m.groups()))


def test_two_processes_ingesting_the_same_files_store_each_unit_once():
    store = fresh_database()
    # Migrate first so the race is about units, not about who creates the schema (also tested in Swift).
    subprocess.run([binary(), "deadletter", "list", "--store", store], check=True, capture_output=True)
    procs = [subprocess.Popen([binary(), "ingest", "--store", store, *INPUTS], stderr=subprocess.PIPE, stdout=subprocess.PIPE)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in procs]
    for code, err in results:
        assert code == 0, err
    (s1, d1, x1), (s2, d2, x2) = (counts(err) for _, err in results)
    assert x1 == x2 == 0
    assert s1 + s2 == s1 + d1 == s2 + d2, "each unit stored by exactly one of the two processes"
    assert s1 + s2 > 20

    out = subprocess.run([binary(), "export", "--store", store, "--format", "ndjson"], check=True, capture_output=True).stdout
    resources = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
    ptace = [r for r in resources if r["resourceType"] == "RiskAssessment" and r["method"]["coding"][0]["code"] == "p-tace"]
    # One p-TACE per scorable patient, each a first version: no lost or doubled recompute.
    subjects = [json.dumps(r["subject"], sort_keys=True) for r in ptace]
    assert len(subjects) == len(set(subjects))
    assert all(r["status"] == "final" for r in ptace)
    # Running ingest again in either process stores nothing and recomputes nothing.
    again = subprocess.run([binary(), "ingest", "--store", store, *INPUTS], capture_output=True)
    assert again.returncode == 0
    assert counts(again.stderr.decode())[0] == 0
    assert "recompute: 0 patients" in again.stderr.decode()
