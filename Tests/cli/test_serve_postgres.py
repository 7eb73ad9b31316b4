"""Two `tacebridge serve` processes on one PostgreSQL store (issue 5, item 6): every message sent to both at
once is acknowledged AA by both and stored exactly once; after both recompute, no patient is left dirty and
each patient has exactly one current version per assessment kind (none lost, none doubled)."""
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from mllp_harness import Serve, run_clients  # noqa: E402

from conftest import binary  # noqa: E402

URL = os.environ.get("TACEBRIDGE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL and os.environ.get("CI") != "true",
                                reason="TACEBRIDGE_TEST_POSTGRES_URL not set (scripts/test.sh starts a server)")


def fresh_database():
    assert URL, "CI=true requires TACEBRIDGE_TEST_POSTGRES_URL (scripts/test.sh sets it)"
    name = "tb_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", URL.split("?")[0], "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, _, query = URL.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


def sql(store, query):
    out = subprocess.run(["psql", store.split("?")[0], "-At", "-c", query], check=True, capture_output=True).stdout.decode()
    return [line.split("|") for line in out.splitlines() if line]


def test_two_serve_processes_on_one_postgres_store_each_message_once(tmp_path):
    store = fresh_database()
    a = Serve(binary(), store, tmp_path)
    b = Serve(binary(), store, tmp_path)
    try:
        clients, per_client = 8, 150
        results = {}

        def blast(server, name):
            results[name] = run_clients(server.mllp_port, clients, per_client, prefix="D", patients=40)

        # The same messages (same keys, same bytes) to both servers at the same time.
        threads = [threading.Thread(target=blast, args=(a, "a")), threading.Thread(target=blast, args=(b, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for name in ("a", "b"):
            acks = results[name][0]
            assert len(acks) == clients * per_client
            assert set(acks.values()) == {"AA"}, f"server {name}: {sorted(set(acks.values()))}"

        counts = sql(store, "SELECT count(*), count(DISTINCT key_value) FROM message")
        assert counts == [[str(clients * per_client), str(clients * per_client)]], "each message stored exactly once"

        # Both recompute in the background: wait until no patient is dirty.
        deadline = time.time() + 120
        while time.time() < deadline and sql(store, "SELECT count(*) FROM patient WHERE data_version > assessed_version") != [["0"]]:
            time.sleep(0.5)
        assert sql(store, "SELECT count(*) FROM patient WHERE data_version > assessed_version") == [["0"]]
        assert sql(store, "SELECT count(*) FROM patient") == [["40"]]
        doubled = sql(store, "SELECT patient, kind FROM assessment WHERE NOT superseded GROUP BY patient, kind HAVING count(*) > 1")
        assert doubled == []
        missing = sql(store, "SELECT p.id FROM patient p WHERE NOT EXISTS "
                             "(SELECT 1 FROM assessment s WHERE s.patient = p.id AND s.kind = 'p-tace' AND NOT s.superseded)")
        assert missing == [], "a patient without a current p-TACE version"
    finally:
        for s in (a, b):
            assert s.terminate() == 0, s.stderr()
