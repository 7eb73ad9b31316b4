#!/usr/bin/env python3
"""Compare TACEBridge output with the golden files under samples/**/expected/.

Two ways to use it:

  # 1. Compare two files (JSON or NDJSON), or two directory trees file by file
  scripts/check_samples.py EXPECTED ACTUAL

  # 2. Run the CLI on every input that has a golden file and compare its output
  scripts/check_samples.py --command 'swift run tacebridge score --now 2025-12-01T00:00:00Z {input}'

In mode 2 each golden file ``<dir>/expected/<stem>.json`` (or ``.ndjson``) is
paired with the input ``<dir>/<stem>.json`` or ``<dir>/<stem>.ndjson``. The
command template may use ``{input}`` (input path), ``{dir}`` (the input's
directory, e.g. to find ``mappings/``), ``{stem}`` and ``{output}``; when
``{output}`` is present the result is read from that temporary file,
otherwise from the command's stdout.

The comparison is structural (key order and whitespace do not matter) but
strict about values: numbers are compared as written, so ``15`` vs ``15.0`` or
``0.773`` vs ``0.7730`` are differences (the tool runs with a fixed ``--now``
and its output should be byte-identical). A file that is equal as JSON but not
byte-identical is reported as a note, or as a failure with ``--bytes``.

Exit status: 0 all equal, 1 differences, 2 usage error or missing file.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path


class Num:
    """A JSON number kept as written, so 15 and 15.0 stay distinguishable."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Num) and self.text == other.text

    def __repr__(self):
        return self.text


def parse_json_text(text: str):
    """Parses JSON, or NDJSON (returned as a list of documents)."""
    kw = dict(parse_float=Num, parse_int=Num, parse_constant=Num)
    try:
        return json.loads(text, **kw)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise
    return [json.loads(line, **kw) for line in text.splitlines() if line.strip()]


def show(v) -> str:
    if isinstance(v, Num):
        return v.text
    def plain(x):
        if isinstance(x, Num):
            return json.loads(x.text)
        if isinstance(x, dict):
            return {k: plain(y) for k, y in x.items()}
        if isinstance(x, list):
            return [plain(y) for y in x]
        return x
    s = json.dumps(plain(v), ensure_ascii=False)
    return s if len(s) <= 120 else s[:117] + "..."


def label(key, value) -> str:
    """Path segment; list items that are resources or Bundle entries also show the resource type."""
    if not isinstance(key, int):
        return f".{key}"
    seg = f"[{key}]"
    inner = value.get("resource") if isinstance(value, dict) and isinstance(value.get("resource"), dict) else value
    if isinstance(inner, dict) and isinstance(inner.get("resourceType"), str):
        seg += f"<{inner['resourceType']}>"
    return seg


def shown(path: str) -> str:
    return path.lstrip(".") or "(root)"


def diff(expected, actual, path="", out=None):
    out = [] if out is None else out
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in expected:
            p = path + label(k, expected[k])
            if k not in actual:
                out.append(f"{shown(p)}: missing in actual (expected {show(expected[k])})")
            else:
                diff(expected[k], actual[k], p, out)
        for k in actual:
            if k not in expected:
                out.append(f"{shown(path + label(k, actual[k]))}: unexpected in actual ({show(actual[k])})")
    elif isinstance(expected, list) and isinstance(actual, list):
        for i in range(max(len(expected), len(actual))):
            if i >= len(actual):
                out.append(f"{shown(path + label(i, expected[i]))}: missing in actual (expected {show(expected[i])})")
            elif i >= len(expected):
                out.append(f"{shown(path + label(i, actual[i]))}: unexpected in actual ({show(actual[i])})")
            else:
                diff(expected[i], actual[i], path + label(i, expected[i]), out)
    elif type(expected) is not type(actual) or expected != actual:
        out.append(f"{shown(path)}: expected {show(expected)}, actual {show(actual)}")
    return out


def compare_texts(name: str, expected_text: str, actual_text: str, args) -> bool:
    try:
        expected = parse_json_text(expected_text)
    except json.JSONDecodeError as exc:
        print(f"ERROR {name}: golden file is not JSON ({exc})")
        return False
    try:
        actual = parse_json_text(actual_text)
    except json.JSONDecodeError as exc:
        print(f"FAIL {name}: actual output is not JSON ({exc})")
        print("  " + actual_text[:300].replace("\n", "\n  "))
        return False
    problems = diff(expected, actual)
    if problems:
        print(f"FAIL {name} ({len(problems)} difference{'s' if len(problems) != 1 else ''})")
        for line in problems[: args.max]:
            print(f"  {line}")
        if len(problems) > args.max:
            print(f"  ... {len(problems) - args.max} more")
        return False
    if expected_text != actual_text:
        if args.bytes:
            print(f"FAIL {name}: equal as JSON but not byte-identical (key order, spacing or final newline)")
            return False
        print(f"OK {name} (note: equal as JSON but not byte-identical)")
        return True
    print(f"OK {name}")
    return True


def find_input(golden: Path):
    base = golden.parent.parent
    for ext in (".json", ".ndjson"):
        cand = base / (golden.stem + ext)
        if cand.is_file():
            return cand
    return None


def run_command(template: str, inp: Path, timeout: float):
    out_path = None
    if "{output}" in template:
        fd, out_path = tempfile.mkstemp(suffix=".json", prefix="tacebridge-")
        os.close(fd)
    subst = {"input": str(inp), "dir": str(inp.parent), "stem": inp.stem, "output": out_path or ""}
    argv = [part.format(**subst) for part in shlex.split(template)]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if out_path:
            with open(out_path, encoding="utf-8") as fh:
                text = fh.read()
        else:
            text = proc.stdout
        return proc.returncode, text, proc.stderr
    finally:
        if out_path and os.path.exists(out_path):
            os.unlink(out_path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Compare TACEBridge output with golden files.")
    ap.add_argument("paths", nargs="*", metavar="PATH", help="EXPECTED ACTUAL (files or directories)")
    ap.add_argument("--command", help="CLI template with {input}, {dir}, {stem}, {output}")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent / "samples"),
                    help="where to look for */expected/* golden files (default: samples/)")
    ap.add_argument("--bytes", action="store_true", help="also require byte-identical files")
    ap.add_argument("--max", type=int, default=40, help="differences shown per file (default 40)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per command run")
    args = ap.parse_args(argv)


    if args.command:
        if args.paths:
            ap.error("give either --command or EXPECTED ACTUAL, not both")
        goldens = sorted(p for p in Path(args.root).rglob("expected/*") if p.suffix in (".json", ".ndjson"))
        if not goldens:
            print(f"no golden files under {args.root}/**/expected/")
            return 2
        ok = True
        for g in goldens:
            inp = find_input(g)
            if inp is None:
                print(f"ERROR {g}: no input {g.stem}.json/.ndjson next to expected/")
                ok = False
                continue
            try:
                rc, text, err = run_command(args.command, inp, args.timeout)
            except (OSError, subprocess.TimeoutExpired) as exc:
                print(f"ERROR {g}: cannot run command ({exc})")
                ok = False
                continue
            if rc not in (0,) and not text.strip():
                print(f"FAIL {g}: command exited {rc} with no output")
                for line in err.strip().splitlines()[-5:]:
                    print(f"  stderr: {line}")
                ok = False
                continue
            ok = compare_texts(str(g), g.read_text(encoding="utf-8"), text, args) and ok
        return 0 if ok else 1

    if len(args.paths) != 2:
        ap.error("expected EXPECTED ACTUAL, or --command")
    exp, act = Path(args.paths[0]), Path(args.paths[1])
    if exp.is_dir():
        files = sorted(p for p in exp.rglob("*") if p.is_file() and p.suffix in (".json", ".ndjson"))
        pairs = [(f, act / f.relative_to(exp)) for f in files]
    else:
        pairs = [(exp, act)]
    ok = True
    for e, a in pairs:
        if not a.is_file():
            print(f"FAIL {e}: no actual file {a}")
            ok = False
            continue
        if not e.is_file():
            print(f"ERROR {e}: no such golden file")
            return 2
        ok = compare_texts(str(e), e.read_text(encoding="utf-8"), a.read_text(encoding="utf-8"), args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
