#!/usr/bin/env python3
"""Sustained MLLP ORU^R01 throughput of `tacebridge serve` end to end (frame, parse, commit to SQLite,
ACK; recompute runs in the background loop of the same process) with N concurrent loopback clients.

Prints messages/s and ACK latency p50/p99 (send of a frame to receipt of its ACK, measured by the
client), and checks that every message was acknowledged AA. Only 127.0.0.1 is used; the run is bounded.

  scripts/bench_mllp.py --binary .build/release/tacebridge [--clients 20] [--messages 1000] [--window 8]
"""
import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mllp_harness import Serve, percentile, run_clients  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--messages", type=int, default=1000, help="per client")
    ap.add_argument("--window", type=int, default=8, help="frames a client sends ahead of its ACKs (1 = strict send/wait)")
    ap.add_argument("--patients", type=int, default=200)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tacebridge-bench-mllp-") as tmp:
        store = Path(tmp) / "store.sqlite"
        serve = Serve(args.binary, store, tmp, extra=("--log-level", "warning"))
        try:
            # Warm-up (first commits create patients and prepare statements), not counted.
            run_clients(serve.mllp_port, clients=2, per_client=100, prefix="W", window=args.window, patients=args.patients)
            results, latencies, seconds = run_clients(serve.mllp_port, clients=args.clients, per_client=args.messages,
                                                      prefix="B", window=args.window, patients=args.patients)
        finally:
            code = serve.terminate()
        total = args.clients * args.messages
        accepted = sum(1 for c in results.values() if c == "AA")
        with sqlite3.connect(store) as db:
            stored = db.execute("SELECT COUNT(*) FROM message").fetchone()[0]
        rate = total / seconds
        print(f"MLLP ORU^R01 end to end (SQLite): {args.clients} clients x {args.messages} messages, window {args.window}")
        print(f"  {total} messages in {seconds:.2f} s = {rate:,.0f} msg/s; ACK AA {accepted}/{total}; "
              f"stored rows {stored} (incl. 200 warm-up)")
        print(f"  ACK latency p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms; serve exited {code}")
        if accepted != total or code != 0:
            sys.exit(1)


if __name__ == "__main__":
    main()
