#!/usr/bin/env python3
"""Validate FHIR R4 JSON files independently of the Swift code.

Usage:
    scripts/validate_fhir.py [--no-project-checks] [--quiet] FILE...     ('-' reads stdin)

Each FILE is a JSON resource (a Bundle or any other resource) or NDJSON (one
resource per line). Prints one line per file, ``OK file (N resources)``, or
``FAIL file (K errors)`` followed by one indented line per error. Exit status
is 0 when every file is valid, 1 otherwise, 2 on usage errors.

Three layers of checks:

1. Structure, via the independent package ``fhir.resources==7.1.0`` and its
   ``fhir.resources.R4B`` models (R4B is structurally identical to R4 for the
   resources TACEBridge reads and writes: Bundle, Patient, Condition, Procedure,
   Observation, RiskAssessment, Provenance, OperationOutcome). A Bundle is parsed
   as a Bundle, so every ``entry.resource`` is validated as its own type.
   Note: 7.1.0 builds its models on pydantic's v1 API (``pydantic.v1``, shipped
   inside pydantic 2), so the entry points are ``parse_obj``/``parse_raw``, not
   ``model_validate_json``.

2. FHIR rules the models do not enforce (always on): JSON value types
   (the models coerce ``"0.5"`` to a decimal and ``"true"`` to a boolean; FHIR
   JSON does not), duplicate JSON keys, a time in a dateTime needs a UTC offset,
   instants need seconds and an offset, required-binding codes of the elements
   TACEBridge reads or writes (e.g. ``Observation.status``), bdl-3, bdl-7,
   ras-1 and ras-2.

3. Project rules (skip with ``--no-project-checks``, e.g. for HL7 spec
   examples): no ``example.org`` anywhere; every RiskAssessment has status and
   subject and its ``prediction[].probabilityDecimal`` is a fraction in 0..1;
   every ``urn:uuid:`` reference inside a Bundle resolves to an entry
   ``fullUrl``; every ``Reference.reference`` is ``urn:uuid:<uuid>``,
   ``Type/id`` or an absolute ``http(s)://…/Type/id`` URL (a ``#id`` reference
   to a contained resource is accepted when that resource exists).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import typing

try:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic.v1 import ValidationError
except ImportError as exc:  # pragma: no cover - environment problem, not a validation result
    sys.stderr.write(
        f"validate_fhir.py: cannot import fhir.resources.R4B ({exc}).\n"
        "Install it with: python3 -m pip install 'fhir.resources==7.1.0'\n"
    )
    sys.exit(2)

SHAPE_LIST = 2  # pydantic.v1 ModelField.shape for List[...]

# Required bindings (R4 4.0.1) of the elements TACEBridge reads or writes. The
# models type these as plain `code` and accept any token.
OBSERVATION_STATUS = {"registered", "preliminary", "final", "amended", "corrected",
                      "cancelled", "entered-in-error", "unknown"}
REQUIRED_CODES: dict[tuple[str, str], set[str]] = {
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch",
                         "batch-response", "history", "searchset", "collection"},
    ("BundleEntryRequest", "method"): {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"},
    ("BundleEntrySearch", "mode"): {"match", "include", "outcome"},
    ("Observation", "status"): OBSERVATION_STATUS,
    ("RiskAssessment", "status"): OBSERVATION_STATUS,
    ("Procedure", "status"): {"preparation", "in-progress", "not-done", "on-hold", "stopped",
                              "completed", "entered-in-error", "unknown"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Quantity", "comparator"): {"<", "<=", ">=", ">"},
    ("Age", "comparator"): {"<", "<=", ">=", ">"},
    ("Duration", "comparator"): {"<", "<=", ">=", ">"},
    ("Distance", "comparator"): {"<", "<=", ">=", ">"},
    ("Count", "comparator"): {"<", "<=", ">=", ">"},
    ("OperationOutcomeIssue", "severity"): {"fatal", "error", "warning", "information"},
    ("OperationOutcomeIssue", "code"): {
        "invalid", "structure", "required", "value", "invariant", "security", "login", "unknown",
        "expired", "forbidden", "suppressed", "processing", "not-supported", "duplicate",
        "multiple-matches", "not-found", "deleted", "too-long", "code-invalid", "extension",
        "too-costly", "business-rule", "conflict", "transient", "lock-lost", "no-store",
        "exception", "timeout", "incomplete", "throttled", "informational"},
    ("ProvenanceEntity", "role"): {"derivation", "revision", "quotation", "source", "removal"},
    ("Narrative", "status"): {"generated", "extensions", "additional", "empty"},
    ("Identifier", "use"): {"usual", "official", "temp", "secondary", "old"},
    ("HumanName", "use"): {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"},
}

NUMBER_TYPES = {"Decimal", "Integer", "UnsignedInt", "PositiveInt"}
INTEGER_TYPES = {"Integer", "UnsignedInt", "PositiveInt"}
TZ_RE = re.compile(r"(Z|[+-](0\d|1[0-4]):[0-5]\d)$")
UUID_RE = re.compile(r"^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
RELATIVE_RE = re.compile(r"^([A-Z][A-Za-z]+)/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?$")
ABSOLUTE_RE = re.compile(r"^https?://[^\s/]+(/[^\s/]+)*/([A-Z][A-Za-z]+)/[A-Za-z0-9\-.]{1,64}"
                         r"(/_history/[A-Za-z0-9\-.]{1,64})?$")
EXAMPLE_ORG_RE = re.compile(r"example\.org", re.IGNORECASE)


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey(f"duplicate JSON key {key!r}")
        obj[key] = value
    return obj


def _loads(text: str):
    return json.loads(text, object_pairs_hook=_no_duplicates)


def fmt_path(parts) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p == "__root__":
            continue
        else:
            out += ("." if out else "") + str(p)
    return out or "(root)"


def is_resource_type(name: str) -> bool:
    try:
        cls = get_fhir_model_class(name)
    except Exception:
        return False
    return "Resource" in {c.__name__ for c in cls.__mro__} and name not in {"Resource", "DomainResource"}


class FileChecker:
    def __init__(self, project_checks: bool):
        self.project = project_checks
        self.errors: list[str] = []

    def err(self, path, message: str):
        self.errors.append(f"{fmt_path(path) if not isinstance(path, str) else path}: {message}")

    # -- layer 1: models ---------------------------------------------------------------
    def model_validate(self, obj, prefix):
        rtype = obj.get("resourceType") if isinstance(obj, dict) else None
        if not isinstance(rtype, str):
            self.err(prefix, "not a FHIR resource (no resourceType)")
            return False
        if not is_resource_type(rtype):
            self.err(prefix, f"unknown resourceType {rtype!r}")
            return False
        try:
            get_fhir_model_class(rtype).parse_obj(obj)
        except ValidationError as exc:
            for e in exc.errors():
                self.err(list(prefix) + list(e["loc"]), e["msg"])
            return False
        except Exception as exc:  # the models raise plain errors for e.g. unknown nested types
            self.err(prefix, f"{type(exc).__name__}: {exc}")
            return False
        return True

    # -- layer 2: walk the JSON alongside the model classes ------------------------------
    def walk(self, cls, obj, path, refs, resource_stack):
        """Checks JSON types and required codes, collects (path, reference, resource) triples."""
        if not isinstance(obj, dict):
            self.err(path, f"expected a JSON object for {cls.__name__}")
            return
        cname = cls.__name__
        by_alias = {f.alias: f for f in cls.__fields__.values()}
        for key, value in obj.items():
            if key == "resourceType":
                continue
            if key == "fhir_comments":
                self.err(path + [key], "'fhir_comments' is not part of FHIR R4 JSON")
                continue
            field = by_alias.get(key)
            if field is None or key.startswith("_"):
                continue  # unknown keys were reported by the model; primitive extensions are model-checked
            here = path + [key]
            if field.shape == SHAPE_LIST:
                if not isinstance(value, list):
                    self.err(here, "expected a JSON array")
                    continue
                if not value:
                    self.err(here, "empty arrays are not allowed in FHIR JSON")
                items = list(enumerate(value))
            else:
                if isinstance(value, list):
                    self.err(here, "expected a single value, not an array")
                    continue
                items = [(None, value)]
            ftype = field.type_
            if typing.get_origin(ftype) is typing.Union:  # Optional[String] for list primitives
                args = [a for a in typing.get_args(ftype) if a is not type(None)]
                ftype = args[0] if len(args) == 1 else ftype
            rname = getattr(ftype, "__resource_type__", None)
            for idx, item in items:
                ipath = here + ([idx] if idx is not None else [])
                if item is None:
                    if idx is None:
                        self.err(ipath, "null is not allowed")
                    continue
                if rname == "Resource":
                    if not isinstance(item, dict) or not is_resource_type(str(item.get("resourceType"))):
                        self.err(ipath, "expected a resource")
                        continue
                    sub = get_fhir_model_class(item["resourceType"])
                    self.walk(sub, item, ipath, refs, resource_stack + [item])
                elif rname:
                    try:
                        sub = get_fhir_model_class(rname)
                    except Exception:
                        continue
                    if rname == "Reference" and isinstance(item, dict) and isinstance(item.get("reference"), str):
                        refs.append((ipath + ["reference"], item["reference"], resource_stack[-1]))
                    self.walk(sub, item, ipath, refs, resource_stack)
                else:
                    self.check_primitive(getattr(ftype, "__name__", str(ftype)), item, ipath, (cname, key))

    def check_primitive(self, tname, value, path, owner):
        if tname in ("bool", "Boolean"):
            if not isinstance(value, bool):
                self.err(path, f"boolean must be JSON true/false, got {json.dumps(value)}")
            return
        if tname in NUMBER_TYPES:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.err(path, f"{tname.lower()} must be a JSON number, got {json.dumps(value)}")
            elif tname in INTEGER_TYPES and isinstance(value, float):
                self.err(path, f"{tname.lower()} must be written without a decimal point, got {value}")
            return
        if not isinstance(value, str):
            self.err(path, f"{tname.lower()} must be a JSON string, got {json.dumps(value)}")
            return
        if tname == "DateTime" and "T" in value and not TZ_RE.search(value):
            self.err(path, f"dateTime {value!r} has a time but no UTC offset")
        if tname == "Instant" and not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", value or ""):
            self.err(path, f"instant {value!r} needs a full date and time")
        if tname == "Instant" and not TZ_RE.search(value):
            self.err(path, f"instant {value!r} needs a UTC offset")
        allowed = REQUIRED_CODES.get(owner)
        if allowed is not None and value not in allowed:
            self.err(path, f"{value!r} is not a valid code for {owner[0]}.{owner[1]} (required binding)")

    # -- invariants and project rules --------------------------------------------------
    def resource_rules(self, res, path):
        if res.get("resourceType") == "RiskAssessment":
            for i, pred in enumerate(res.get("prediction") or []):
                p = path + ["prediction", i]
                dec = pred.get("probabilityDecimal")
                if isinstance(dec, (int, float)) and not isinstance(dec, bool):
                    if dec > 100:
                        self.err(p + ["probabilityDecimal"], f"ras-2: {dec} > 100")
                    if self.project and not (0 <= dec <= 1):
                        self.err(p + ["probabilityDecimal"],
                                 f"{dec} is outside 0..1 (project convention: probability is a fraction)")
                rng = pred.get("probabilityRange")
                if isinstance(rng, dict):
                    for end in ("low", "high"):
                        q = rng.get(end)
                        if isinstance(q, dict) and not (q.get("code") == "%" and q.get("system") == "http://unitsofmeasure.org"):
                            self.err(p + ["probabilityRange", end], "ras-1: must be a UCUM '%' quantity")
            if self.project:
                if not res.get("status"):
                    self.err(path + ["status"], "RiskAssessment.status is required")
                subj = res.get("subject")
                if not isinstance(subj, dict) or not (subj.get("reference") or subj.get("identifier")):
                    self.err(path + ["subject"], "RiskAssessment.subject is required")
        for i, c in enumerate(res.get("contained") or []):
            if isinstance(c, dict):
                self.resource_rules(c, path + ["contained", i])

    def bundle_rules(self, bundle, path):
        btype = bundle.get("type")
        entries = bundle.get("entry") or []
        seen: dict[tuple, int] = {}
        for i, e in enumerate(entries):
            if not isinstance(e, dict):
                continue
            ep = path + ["entry", i]
            full = e.get("fullUrl")
            if full is not None:
                version = ((e.get("resource") or {}).get("meta") or {}).get("versionId")
                if (full, version) in seen:
                    self.err(ep + ["fullUrl"], f"bdl-7: fullUrl {full!r} already used by entry[{seen[(full, version)]}]")
                else:
                    seen[(full, version)] = i
                if "/_history/" in str(full):
                    self.err(ep + ["fullUrl"], "bdl-8: fullUrl cannot be a version-specific reference")
            has_request = "request" in e
            if btype in ("transaction", "batch", "history"):
                if not has_request:
                    self.err(ep, f"bdl-3: entry.request is required in a {btype} bundle")
            elif has_request:
                self.err(ep + ["request"], f"bdl-3: entry.request is not allowed in a {btype} bundle")
            if btype in ("transaction-response", "batch-response", "history") and "response" not in e:
                self.err(ep, f"bdl-4: entry.response is required in a {btype} bundle")
            if btype == "searchset" and "search" not in e:
                pass  # search is optional in R4
            elif btype != "searchset" and "search" in e:
                self.err(ep + ["search"], "bdl-2: entry.search is only allowed in a searchset bundle")
            res = e.get("resource")
            if isinstance(res, dict):
                self.resource_rules(res, ep + ["resource"])

    def reference_rules(self, refs, bundle_fullurls):
        for path, ref, owner in refs:
            if ref.startswith("#"):
                contained_ids = {c.get("id") for c in (owner.get("contained") or []) if isinstance(c, dict)}
                if ref != "#" and ref[1:] not in contained_ids:
                    self.err(path, f"contained reference {ref!r} does not match a contained resource")
                continue
            if ref.startswith("urn:uuid:"):
                if not UUID_RE.match(ref):
                    self.err(path, f"{ref!r} is not a valid urn:uuid")
                elif bundle_fullurls is not None and ref not in bundle_fullurls:
                    self.err(path, f"{ref!r} does not resolve to any entry.fullUrl in this Bundle")
                elif bundle_fullurls is None:
                    self.err(path, f"{ref!r}: urn:uuid references can only resolve inside a Bundle")
                continue
            m = RELATIVE_RE.match(ref) or ABSOLUTE_RE.match(ref)
            if not m:
                self.err(path, f"reference {ref!r} is not urn:uuid:, Type/id or an absolute http(s) URL ending in Type/id")
                continue
            rtype = m.group(1) if m.re is RELATIVE_RE else m.group(2)
            if not is_resource_type(rtype):
                self.err(path, f"reference {ref!r} names unknown resource type {rtype!r}")

    # -- one top-level resource ----------------------------------------------------------
    def check_resource(self, obj, prefix) -> int:
        """Validates one top-level resource; returns the number of resources it holds."""
        model_ok = self.model_validate(obj, prefix)
        if not (isinstance(obj, dict) and is_resource_type(str(obj.get("resourceType")))):
            return 0
        # The JSON-level layers still run after a model error so one pass reports everything.
        cls = get_fhir_model_class(obj["resourceType"])
        refs: list = []
        self.walk(cls, obj, list(prefix), refs, [obj])
        if obj["resourceType"] == "Bundle":
            self.bundle_rules(obj, list(prefix))
            fullurls = {e.get("fullUrl") for e in obj.get("entry") or [] if isinstance(e, dict)}
            count = sum(1 for e in obj.get("entry") or [] if isinstance(e, dict) and "resource" in e)
        else:
            self.resource_rules(obj, list(prefix))
            fullurls = None
            count = 1
        if self.project:
            self.reference_rules(refs, fullurls)
        return count if model_ok else 0


def read_documents(name: str, text: str, checker: FileChecker):
    """Yields (path prefix, JSON value) for a JSON file or an NDJSON file."""
    stripped = text.strip()
    if not stripped:
        checker.err("(file)", "empty input")
        return
    try:
        yield [], _loads(stripped)
        return
    except DuplicateKey as exc:
        checker.err("(file)", str(exc))
        return
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines()]
        if not (exc.msg == "Extra data" or name.endswith(".ndjson")):
            checker.err("(file)", f"invalid JSON: {exc}")
            return
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield [f"line {n}"], _loads(line)
        except (json.JSONDecodeError, DuplicateKey) as exc:
            checker.err(f"line {n}", f"invalid JSON: {exc}")


def validate_text(name: str, text: str, project_checks: bool):
    checker = FileChecker(project_checks)
    if project_checks:
        for n, line in enumerate(text.splitlines(), start=1):
            if EXAMPLE_ORG_RE.search(line):
                checker.err(f"line {n}", "contains 'example.org' (use a project or .test domain)")
    count = 0
    for prefix, doc in read_documents(name, text, checker):
        count += checker.check_resource(doc, prefix)
    return count, checker.errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Validate FHIR R4 JSON/NDJSON files (fhir.resources R4B models + project rules).")
    ap.add_argument("files", nargs="+", metavar="FILE", help="JSON or NDJSON file, '-' for stdin")
    ap.add_argument("--no-project-checks", action="store_true",
                    help="skip TACEBridge rules (example.org, probability fraction, reference forms, urn:uuid resolution)")
    ap.add_argument("--quiet", "-q", action="store_true", help="print failures only")
    args = ap.parse_args(argv)
    ok = True
    for name in args.files:
        try:
            text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"FAIL {name}: cannot read ({exc})")
            ok = False
            continue
        count, errors = validate_text(name, text, not args.no_project_checks)
        label = "<stdin>" if name == "-" else name
        if errors:
            ok = False
            print(f"FAIL {label} ({len(errors)} error{'s' if len(errors) != 1 else ''})")
            for e in errors:
                print(f"  {e}")
        elif not args.quiet:
            print(f"OK {label} ({count} resource{'s' if count != 1 else ''})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
