#!/usr/bin/env python3
"""Sustained MLLP ORU^R01 throughput of `tacebridge serve` end to end (frame, parse, commit to SQLite,
ACK; recompute runs in the background loop of the same process) with N concurrent loopback clients.

Prints messages/s and ACK latency p50/p99 (send of a frame to receipt of its ACK, measured by the
client), and checks that every message was acknowledged AA. Only 127.0.0.1 is used; the run is bounded.

The load comes from `tacebridge-bench --mllp-client` (one native thread driving every connection with
poll(2), a few microseconds per message) when it sits beside the binary; `--client python` uses the
Python threads of mllp_harness instead, which take most of a core themselves on this 2-core machine.
The server's own CPU time over the measured phase is printed too (from /proc): messages per
server-CPU-second is the figure least disturbed by whatever else runs on the machine.

  scripts/bench_mllp.py --binary .build/release/tacebridge [--clients 20] [--messages 1000] [--window 8]
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import time
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
    ap.add_argument("--recompute-spacing", default=None, help="passed to serve (default: serve's own)")
    ap.add_argument("--client", choices=("native", "python"), default=None,
                    help="load generator (default: native when tacebridge-bench is beside --binary)")
    args = ap.parse_args()
    load_binary = Path(args.binary).resolve().parent / "tacebridge-bench"
    client = args.client or ("native" if os.access(load_binary, os.X_OK) else "python")

    with tempfile.TemporaryDirectory(prefix="tacebridge-bench-mllp-") as tmp:
        store = Path(tmp) / "store.sqlite"
        extra = ("--log-level", "warning") + (("--recompute-spacing", args.recompute_spacing) if args.recompute_spacing else ())
        serve = Serve(args.binary, store, tmp, extra=extra)
        try:
            # Warm-up (first commits create patients and prepare statements), not counted.
            run_clients(serve.mllp_port, clients=2, per_client=100, prefix="W", window=args.window, patients=args.patients)
            cpu_before = cpu_seconds(serve.proc.pid)
            if client == "native":
                accepted, p50, p99, worst, seconds = native_load(load_binary, serve.mllp_port, args)
            else:
                results, latencies, seconds = run_clients(serve.mllp_port, clients=args.clients, per_client=args.messages,
                                                          prefix="B", window=args.window, patients=args.patients)
                accepted = sum(1 for c in results.values() if c == "AA")
                p50, p99, worst = (percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000, max(latencies) * 1000)
            server_cpu = cpu_seconds(serve.proc.pid) - cpu_before
            lag = recompute_lag(store)
            server_cpu_with_recompute = cpu_seconds(serve.proc.pid) - cpu_before
        finally:
            code = serve.terminate()
        total = args.clients * args.messages
        with sqlite3.connect(store) as db:
            stored = db.execute("SELECT COUNT(*) FROM message").fetchone()[0]
        rate = total / seconds
        load = os.getloadavg()[0]
        print(f"MLLP ORU^R01 end to end (SQLite): {args.clients} clients x {args.messages} messages, window {args.window}, "
              f"{client} clients, load average {load:.1f}")
        print(f"  {total} messages in {seconds:.2f} s = {rate:,.0f} msg/s; ACK AA {accepted}/{total}; "
              f"stored rows {stored} (incl. 200 warm-up)")
        print(f"  ACK latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms; serve exited {code}")
        print(f"  server CPU {server_cpu:.2f} s (user + system, all its threads) = "
              f"{total / server_cpu if server_cpu > 0 else float('nan'):,.0f} messages per server-CPU-second")
        print(f"  recompute caught up {lag * 1000:.0f} ms after the last ACK (no patient left with unassessed data); "
              f"server CPU including that: {server_cpu_with_recompute:.2f} s")
        if accepted != total or code != 0:
            sys.exit(1)


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far, all threads (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def recompute_lag(store, limit=120.0):
    """Seconds from now until no patient has data newer than its assessments (the recompute loop caught up)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        with sqlite3.connect(store, timeout=30) as db:
            dirty = db.execute("SELECT COUNT(*) FROM patient WHERE data_version > assessed_version").fetchone()[0]
        if dirty == 0:
            return time.perf_counter() - started
        time.sleep(0.01)
    raise RuntimeError(f"recompute did not catch up within {limit:.0f} s")


def native_load(load_binary, port, args):
    """Runs tacebridge-bench --mllp-client; returns (AA count, p50 ms, p99 ms, max ms, seconds)."""
    out = subprocess.run([str(load_binary), "--mllp-client", str(port), "--clients", str(args.clients),
                          "--messages", str(args.messages), "--window", str(args.window),
                          "--mllp-patients", str(args.patients), "--prefix", "B"],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"load client failed ({out.returncode}): {out.stderr.strip()}")
    values = dict(re.findall(r"(\w+)=(\S+)", out.stdout))
    if int(values["other"]) > 0:
        print(f"  non-AA ACKs: {values['other']} (first: {values.get('first_other')})")
    return (int(values["aa"]), float(values["p50_ms"]), float(values["p99_ms"]), float(values["max_ms"]),
            float(values["seconds"]))


if __name__ == "__main__":
    main()
