"""Drives `tacebridge serve` from outside: start and stop the process, MLLP clients, ORU messages.

Used by the process-level tests (Tests/cli/test_serve_*.py) and the MLLP benchmark (scripts/bench_mllp.py).
Only loopback addresses are used.
"""
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

START, END, CR = b"\x0b", b"\x1c", b"\x0d"


def oru(control: str, patient: str = "P1", value: str = "520", app: str = "LAB", facility: str = "HOSP") -> bytes:
    """A small ORU^R01 with one AFP result; (app, facility, control) is its idempotency key."""
    return (
        f"MSH|^~\\&|{app}|{facility}|TACE|HOSP|20250505075000||ORU^R01|{control}|P|2.5\r"
        f"PID|1||{patient}^^^HOSP^MR||DOE^JANE||19600101|F\r"
        f"OBR|1||{control}|1834-1^AFP^LN|||20250505075000\r"
        f"OBX|1|NM|1834-1^Alpha-1-Fetoprotein^LN||{value}|ng/mL|||||F|||20250505075000\r"
    ).encode()


def frame(message: bytes) -> bytes:
    return START + message + END + CR


def msa(ack: bytes):
    """(MSA-1, MSA-2) of an ACK."""
    for segment in ack.split(b"\r"):
        if segment.startswith(b"MSA"):
            fields = segment.split(b"|")
            return (fields[1].decode() if len(fields) > 1 else "", fields[2].decode() if len(fields) > 2 else "")
    return ("", "")


class Serve:
    """A `tacebridge serve` process on free loopback ports; its stderr goes to a file."""

    def __init__(self, binary, store, workdir, extra=()):
        self.log_path = Path(workdir) / f"serve-{time.time_ns()}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--store", str(store), "--mllp-port", "0", "--http-port", "0", *extra],
            stdout=subprocess.DEVNULL, stderr=self.log)
        self.mllp_port = self.http_port = None
        deadline = time.time() + 60
        while time.time() < deadline and (self.mllp_port is None or self.http_port is None):
            text = self.log_path.read_text(errors="replace")
            m = re.search(r"MLLP listening on [^\s]*:(\d+)", text)
            h = re.search(r"HTTP listening on [^\s]*:(\d+)", text)
            self.mllp_port = int(m.group(1)) if m else None
            self.http_port = int(h.group(1)) if h else None
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited {self.proc.returncode}:\n{text}")
            time.sleep(0.05)
        if self.mllp_port is None or self.http_port is None:
            self.kill()
            raise RuntimeError("serve did not start:\n" + self.log_path.read_text(errors="replace"))

    def stderr(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout=60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self.log.close()
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.log.close()


class Client:
    """A blocking MLLP client: `send` writes a frame, `ack` reads the next ACK frame."""

    def __init__(self, port, timeout=30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, message: bytes):
        self.sock.sendall(frame(message))

    def ack(self) -> bytes:
        """The next frame's content; raises ConnectionError if the server closes first."""
        while True:
            start = self.buffer.find(START)
            if start >= 0:
                end = self.buffer.find(END, start)
                if end >= 0:
                    content = self.buffer[start + 1:end]
                    rest = self.buffer[end + 1:]
                    self.buffer = rest[1:] if rest.startswith(CR) else rest
                    return content
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buffer += chunk

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def run_clients(port, clients, per_client, prefix="M", window=1, patients=50):
    """`clients` connections in parallel, each sending `per_client` ORUs with at most `window` unacknowledged.
    Returns (acks {control: code}, latencies [s], seconds)."""
    results, latencies, errors = {}, [], []
    lock = threading.Lock()

    def one(c):
        try:
            client = Client(port)
            sent_at = {}
            pending = []
            local_lat, local_res = [], {}
            n = 0
            while n < per_client or pending:
                while n < per_client and len(pending) < window:
                    control = f"{prefix}{c}-{n}"
                    sent_at[control] = time.perf_counter()
                    client.send(oru(control, patient=f"P{(c * per_client + n) % patients}", value=str(100 + n % 900)))
                    pending.append(control)
                    n += 1
                ack = client.ack()
                code, control = msa(ack)
                expected = pending.pop(0)
                if control != expected:
                    raise AssertionError(f"ACK out of order: expected {expected}, got {control}")
                local_lat.append(time.perf_counter() - sent_at[control])
                local_res[control] = code
            client.close()
            with lock:
                latencies.extend(local_lat)
                results.update(local_res)
        except Exception as e:  # reported to the caller
            with lock:
                errors.append(repr(e))

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise AssertionError(f"{len(errors)} client(s) failed: {errors[:3]}")
    return results, latencies, seconds


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]
