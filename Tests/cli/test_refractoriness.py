"""Issue 4 end to end: the refractoriness samples give the verdicts worked out by hand in
docs/refractoriness.md section 8 (the table below is copied from there, not from program output),
the outputs validate as FHIR R4, and the CLI options (--definitions, --set, timeline) do what they say."""
import json
import re

import pytest

from conftest import NOW, ROOT, validate

DEFINITIONS = ["jsh-lcsgj-2014", "jsh-2021", "iasl", "taiwan", "europe", "zhang-2022"]

# sample: (JSH 2014, JSH 2021, IASL, Taiwan, Europe, Zhang 2022); "R date" refractory since date.
EXPECTED = {
    "jsh-c1a-insufficient": ("R 2025-04-10", "R 2025-04-10", "not", "R 2025-04-10", "R 2025-04-10", "not"),
    "viable-50": ("not", "R 2025-04-10", "ind", "ind", "ind", "not"),
    "viable-51": ("R 2025-04-10", "R 2025-04-10", "ind", "ind", "ind", "not"),
    "eval-27-days": ("not", "not", "ind", "ind", "ind", "not"),
    "eval-28-days": ("R 2025-04-08", "R 2025-04-08", "ind", "ind", "ind", "not"),
    "marker-rise-19": ("not", "not", "not", "not", "ind", "not"),
    "marker-rise-21": ("R 2025-02-19", "R 2025-02-19", "not", "not", "ind", "not"),
    "chain-non-selective": ("not", "not", "ind", "ind", "ind", "not"),
    "chain-inadequate": ("not", "not", "ind", "ind", "ind", "not"),
    "chain-other-treatment": ("not", "not", "not", "not", "ind", "not"),
    "chain-aborted-session": ("R 2025-06-09", "R 2025-06-09", "not", "R 2025-06-09", "R 2025-06-09", "not"),
    "jsh-c1b-progression": ("R 2025-04-10", "R 2025-04-10", "ind", "ind", "ind", "not"),
    "jsh-c3-vascular-invasion": ("R 2025-02-09", "R 2025-02-09", "not", "not", "ind", "not"),
    "jsh-c4-extrahepatic-spread": ("R 2025-02-09", "R 2025-02-09", "ind", "ind", "ind", "not"),
    "iasl-three-sessions": ("R 2025-04-10", "R 2025-04-10", "R 2025-06-09", "R 2025-04-10", "ind", "R 2025-06-09"),
    "europe-palliative-asserted": ("not", "not", "not", "not", "R 2025-04-20", "not"),
}
STATUS = {"not": "not-refractory", "ind": "indeterminate"}


def sample(name):
    return f"samples/refractoriness/{name}.json"


def by_type(bundle, type_):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == type_]


def verdicts(bundle):
    """method code -> (status code, day met) of the refractoriness RiskAssessments. Every verdict has a
    whenPeriod.start (spec 9.1): the day met when refractory, else the assessment day (occurrenceDateTime)."""
    out = {}
    for r in by_type(bundle, "RiskAssessment"):
        method = r["method"]["coding"][0]
        if method["system"].endswith("/tace-refractoriness-definitions"):
            p = r["prediction"][0]
            status = p["qualitativeRisk"]["coding"][0]["code"]
            start = p["whenPeriod"]["start"]
            if status != "refractory":
                assert start == r["occurrenceDateTime"], (method["code"], start)
            out[method["code"]] = (status, start if status == "refractory" else None)
    return out


def expected_pairs(row):
    pairs = []
    for cell in row:
        if cell.startswith("R "):
            pairs.append(("refractory", cell[2:]))
        else:
            pairs.append((STATUS[cell], None))
    return pairs


def score(tacebridge, *args):
    proc = tacebridge("score", "--now", NOW, *args, check_exit=0)
    return json.loads(proc.stdout), proc


def test_the_docs_table_is_the_table_checked_here():
    text = (ROOT / "docs/refractoriness.md").read_text()
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\| ([a-z0-9-]+) \| (.+) \|$", line)
        if m and m.group(1) in EXPECTED:
            rows[m.group(1)] = tuple(c.strip() for c in m.group(2).split("|"))
    assert rows == EXPECTED


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_verdicts_match_the_hand_worked_table(tacebridge, name):
    bundle, _ = score(tacebridge, sample(name))
    got = verdicts(bundle)
    assert list(got) == DEFINITIONS  # all definitions, JSH-LCSGJ 2014 first
    assert [got[d] for d in DEFINITIONS] == expected_pairs(EXPECTED[name])


def test_lima_art_abcr_and_post_refractoriness_factors(tacebridge):
    bundle, _ = score(tacebridge, sample("jsh-c1a-insufficient"))
    obs = {o["code"]["coding"][0]["code"]: o for o in by_type(bundle, "Observation")}
    assert obs["art-score"]["valueQuantity"]["value"] == 2.5
    assert obs["art-score"]["component"][0]["valueString"] == ">=2.5"
    assert obs["abcr-score"]["valueQuantity"]["value"] == 2
    assert obs["abcr-score"]["component"][0]["valueString"] == "1-3"
    risks = {r["method"]["coding"][0]["code"]: r for r in by_type(bundle, "RiskAssessment")}
    assert risks["art"]["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "high"
    assert risks["abcr"]["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "moderate"
    jsh = risks["jsh-lcsgj-2014"]
    rationale = jsh["prediction"][0]["rationale"]
    assert "C1a-insufficient-response met on 2025-04-10" in rationale
    # The HAIC factors are those of the evaluation day (2026-01-01): the labs of April 2025 are too old.
    assert "on 2026-01-01: albumin ≤ 3 g/dL = 30 g/L: not known" in rationale
    then, _ = score(tacebridge, "--as-of", "2025-04-10", sample("jsh-c1a-insufficient"))
    then_rationale = next(r for r in by_type(then, "RiskAssessment")
                          if r["method"]["coding"][0]["code"] == "jsh-lcsgj-2014")["prediction"][0]["rationale"]
    assert "albumin 29 g/L" in then_rationale and "AST 52 U/L" in then_rationale and "CRP 4 mg/L" in then_rationale
    assert jsh["method"]["text"].startswith("JSH-LCSGJ-2014; tacebridge-refractoriness-config-v1: ")
    assert {"certain", "refractory"} == {c["code"] for c in jsh["prediction"][0]["qualitativeRisk"]["coding"]}
    basis = {b["reference"] for b in jsh["basis"]}
    assert {"Procedure/refr-lima-tace-1", "Procedure/refr-lima-tace-2", "Observation/refr-lima-ct-1-viable",
            "Observation/refr-lima-ct-2-viable"} <= basis


def test_not_computed_scores_say_why(tacebridge):
    bundle, _ = score(tacebridge, sample("viable-51"))
    notes = [o["issue"][0] for o in by_type(bundle, "OperationOutcome") if o["issue"][0]["severity"] == "information"]
    assert len(notes) == 2
    assert notes[0]["diagnostics"].startswith("ART score (Sieghart 2013) not computed for patient 1: AST before TACE-1")


@pytest.mark.parametrize("extra", [[], ["--bundle", "transaction"], ["--refractoriness-observations"]])
@pytest.mark.parametrize("name", ["jsh-c1a-insufficient", "europe-palliative-asserted", "chain-other-treatment"])
def test_outputs_validate_as_fhir_r4(tacebridge, name, extra):
    proc = tacebridge("score", "--now", NOW, *extra, sample(name), check_exit=0)
    ok, report = validate(proc.stdout)
    assert ok, report


def test_observation_form_has_one_component_per_clause(tacebridge):
    bundle, _ = score(tacebridge, "--refractoriness-observations", sample("jsh-c1a-insufficient"))
    forms = [o for o in by_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "tace-refractoriness-status"]
    assert len(forms) == 6
    jsh = next(o for o in forms if o["method"]["coding"][0]["code"] == "jsh-lcsgj-2014")
    assert jsh["valueCodeableConcept"]["coding"][0]["code"] == "refractory"
    components = {c["code"]["coding"][0]["code"]: c for c in jsh["component"]}
    assert components["C1a-insufficient-response"]["valueBoolean"] is True
    assert "dataAbsentReason" in components["C2-tumor-marker-elevation"]


def test_definitions_option_chooses_and_orders(tacebridge):
    bundle, _ = score(tacebridge, "--definitions", "zhang-2022,jsh-2014", sample("viable-51"))
    assert list(verdicts(bundle)) == ["zhang-2022", "jsh-lcsgj-2014"]
    none, _ = score(tacebridge, "--definitions", "none", "--no-retreatment-scores", sample("viable-51"))
    assert not verdicts(none) and not [o for o in by_type(none, "OperationOutcome") if o["issue"][0]["severity"] == "information"]


def test_unknown_definition_is_a_usage_error(tacebridge):
    proc = tacebridge("score", "--definitions", "jsh-2014,who", sample("viable-51"), check_exit=64)
    assert b"unknown definition 'who'" in proc.stderr


@pytest.mark.parametrize("setting, name, definition, expected", [
    ("chain.nonQualifyingSession=skip", "chain-non-selective", "jsh-lcsgj-2014", ("refractory", "2025-06-09")),
    ("chain.breakOnOtherTreatment=false", "chain-other-treatment", "jsh-lcsgj-2014", ("refractory", "2025-04-10")),
    ("chain.nonQualifyingSession=skip", "chain-aborted-session", "jsh-lcsgj-2014", ("refractory", "2025-04-10")),
    ("chain.nonQualifyingSession=skip", "chain-aborted-session", "iasl", ("refractory", "2025-06-09")),
    ("jsh.requireModification=true", "jsh-c1a-insufficient", "jsh-lcsgj-2014", ("indeterminate", None)),
    ("jsh2021.markerRule=notDecreased", "marker-rise-19", "jsh-2021", ("refractory", "2025-02-19")),
    ("tw.sessions=3", "jsh-c1a-insufficient", "taiwan", ("not-refractory", None)),
])
def test_set_changes_refractoriness_parameters(tacebridge, setting, name, definition, expected):
    bundle, _ = score(tacebridge, "--set", setting, sample(name))
    v = verdicts(bundle)
    assert v[definition] == expected
    risk = next(r for r in by_type(bundle, "RiskAssessment") if r["method"]["coding"][0]["code"] == definition)
    assert setting.split("=")[0] + "=" + setting.split("=")[1] in risk["method"]["text"]


def test_bad_refractoriness_setting_is_a_configuration_error(tacebridge):
    proc = tacebridge("score", "--set", "jsh.minConsecutive=0", sample("viable-51"), check_exit=78)
    assert b"jsh.minConsecutive" in proc.stderr
    proc = tacebridge("score", "--set", "jsh.minConsecutiv=2", sample("viable-51"), check_exit=78)
    assert b"refractoriness: eval.windowDays" in proc.stderr


def test_parameters_lists_refractoriness_defaults(tacebridge):
    out = tacebridge("parameters", check_exit=0).stdout.decode()
    for line in ("eval.windowDays = 28-92", "jsh.minConsecutive = 2", "insufficient.threshold = 0.5", "marker.r = 0.2",
                 "kr.minSessions = 3", "tw.sessions = 2", "zh.minConsecutive = 3", "eu.maxSessions = 2"):
        assert line in out


def test_timeline_text_shows_sessions_evaluations_and_verdicts(tacebridge):
    out = tacebridge("timeline", "--quiet", "--now", NOW, sample("eval-28-days"), check_exit=0).stdout.decode()
    assert "Patient Patient/refr-papa" in out
    assert re.search(r"2025-04-08\s+#2 \+28 d\s+80 %", out)
    assert re.search(r"JSH 2014\s+refractory\s+2025-04-08\s+C1a-insufficient-response", out)
    short = tacebridge("timeline", "--quiet", "--now", NOW, sample("eval-27-days"), check_exit=0).stdout.decode()
    assert re.search(r"2025-04-07\s+\(\+27 d, none\)", short)


def test_timeline_as_of_sees_nothing_later(tacebridge):
    before = tacebridge("timeline", "--quiet", "--format", "json", "--as-of", "2025-04-07", sample("eval-28-days"), check_exit=0)
    on = tacebridge("timeline", "--quiet", "--format", "json", "--as-of", "2025-04-08", sample("eval-28-days"), check_exit=0)
    status = lambda p: {v["definition"]: v["status"] for v in json.loads(p.stdout)["patients"][0]["verdicts"]}
    assert status(before)["jsh-lcsgj-2014"] == "not-refractory"
    assert status(on)["jsh-lcsgj-2014"] == "refractory"


def test_timeline_json_is_one_document_per_run(tacebridge):
    proc = tacebridge("timeline", "--quiet", "--now", NOW, "--format", "json", sample("viable-50"), sample("viable-51"), check_exit=0)
    doc = json.loads(proc.stdout)
    assert doc["evaluationDay"] == "2026-01-01"
    assert [p["patient"] for p in doc["patients"]] == ["Patient/refr-mike", "Patient/refr-november"]
    mike = doc["patients"][0]
    assert [s["date"] for s in mike["sessions"]] == ["2025-01-10", "2025-03-11"]
    assert [(i["date"], i.get("daysAfterSession")) for i in mike["imaging"]] == [("2025-01-03", None), ("2025-02-09", 30), ("2025-04-10", 30)]
    c1a = next(c for c in next(v for v in mike["verdicts"] if v["definition"] == "jsh-2021")["clauses"] if c["code"].startswith("C1a"))
    assert c1a["outcome"] == "met" and "Observation/refr-mike-ct-2-viable" in c1a["evidence"]


def test_markers_in_hl7v2_and_the_rest_in_fhir_give_the_same_verdicts(tacebridge, tmp_path):
    """Issue 4 item 8: marker-rise-21's AFP values moved into an HL7 v2 ORU (same values and days), linked
    to the FHIR Patient through a site assigning-authorities.csv row: the same timeline and verdicts."""
    bundle = json.loads((ROOT / sample("marker-rise-21")).read_text())
    kept, obx = [], []
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "1834-1":
            d = r["effectiveDateTime"].replace("-", "")
            obx.append(f"OBX|{len(obx) + 1}|NM|1834-1^^LN||{r['valueQuantity']['value']}|ng/mL^^UCUM|||||F|||{d}")
        else:
            kept.append(e)
    assert len(obx) == 3
    bundle["entry"] = kept
    (tmp_path / "rest.json").write_text(json.dumps(bundle))
    segments = ["MSH|^~\\&|LIS|WESTBROOK|TACE|ONCO|20250301090000+0000||ORU^R01|ROMEO-1|P|2.5.1",
                "PID|1||TEST-REFR-ROMEO^^^WESTBROOK^MR", "OBR|1||F1|1834-1^^LN"] + obx
    (tmp_path / "afp.hl7").write_bytes(("\r".join(segments) + "\r").encode())
    site = tmp_path / "site"
    site.mkdir()
    (site / "assigning-authorities.csv").write_text("authority,system\nWESTBROOK,https://fhir.westbrook-hospital.test/sid/mrn\n")
    mixed, _ = score(tacebridge, "--mappings", site, tmp_path / "afp.hl7", tmp_path / "rest.json")
    fhir_only, _ = score(tacebridge, sample("marker-rise-21"))
    assert verdicts(mixed) == verdicts(fhir_only)
    assert verdicts(mixed)["jsh-lcsgj-2014"] == ("refractory", "2025-02-19")


def test_timeline_stderr_never_carries_patient_data(tacebridge):
    files = [sample(n) for n in EXPECTED]
    proc = tacebridge("timeline", "--verbose", "--now", NOW, *files, check_exit=0)
    err = proc.stderr.decode()
    for f in files:
        for e in json.loads((ROOT / f).read_text())["entry"]:
            r = e["resource"]
            if r["resourceType"] == "Patient":
                assert r["name"][0]["family"] not in err
                assert r["identifier"][0]["value"] not in err
                assert r["id"] not in err.replace("samples/refractoriness/", "")
    assert "refractoriness: 16 patient(s) with TACE sessions" in err


def test_a_course_recorded_in_cda_gives_the_same_verdicts_as_in_fhir(tacebridge, tmp_path):
    """Issue 4 item 8: eval-28-days' sessions (CDA procedures) and CT findings (CDA observations with the
    project's code-system OIDs) in one CDA document: the same timeline, so the same verdicts."""
    bundle = json.loads((ROOT / sample("eval-28-days")).read_text())
    arc = "2.25.266675152872840268072037486434022479387"
    entries = []
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] == "Procedure":
            day = r["performedDateTime"].replace("-", "")
            entries.append(f'<entry><procedure classCode="PROC" moodCode="EVN"><id root="2.999.9" extension="{r["id"]}"/>'
                           f'<code code="tace" codeSystem="{arc}.1.3"/><statusCode code="completed"/>'
                           f'<effectiveTime value="{day}"/></procedure></entry>')
        elif r["resourceType"] == "Observation":
            code, day = r["code"]["coding"][0]["code"], r["effectiveDateTime"].replace("-", "")
            if "valueQuantity" in r:
                value = f'<value xsi:type="PQ" value="{r["valueQuantity"]["value"]}" unit="%"/>'
            elif "valueInteger" in r:
                value = f'<value xsi:type="INT" value="{r["valueInteger"]}"/>'
            else:
                coding = r["valueCodeableConcept"]["coding"][0]
                oid = {"portal-vein-invasion": f"{arc}.2.3", "extrahepatic-spread": f"{arc}.2.4"}[code]
                value = f'<value xsi:type="CD" code="{coding["code"]}" codeSystem="{oid}"/>'
            entries.append(f'<entry><observation classCode="OBS" moodCode="EVN"><id root="2.999.9" extension="{r["id"]}"/>'
                           f'<code code="{code}" codeSystem="{arc}.1.1"/><statusCode code="completed"/>'
                           f'<effectiveTime value="{day}"/>{value}</observation></entry>')
    assert len(entries) == 7
    document = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                '<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/><id root="2.999.9" extension="doc-papa"/>'
                '<code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="20250601"/>'
                '<recordTarget><patientRole><id root="2.999.9.1" extension="PAPA-1"/></patientRole></recordTarget>'
                '<component><structuredBody><component><section>' + "".join(entries) +
                '</section></component></structuredBody></component></ClinicalDocument>\n')
    (tmp_path / "papa.xml").write_text(document)
    cda, _ = score(tacebridge, tmp_path / "papa.xml")
    fhir, _ = score(tacebridge, sample("eval-28-days"))
    assert verdicts(cda) == verdicts(fhir)
    assert verdicts(cda)["jsh-lcsgj-2014"] == ("refractory", "2025-04-08")


ARC = "2.25.266675152872840268072037486434022479387"
# Value code systems (CDA codeSystem OIDs, mappings/code-system-oids.csv) of the coded imaging concepts.
IMAGING_VALUE_OIDS = {"mrecist-response": f"{ARC}.2.2", "portal-vein-invasion": f"{ARC}.2.3",
                      "extrahepatic-spread": f"{ARC}.2.4", "mrecist-target-response": f"{ARC}.2.9"}


def split_by_format(bundle, mrn):
    """One sample course split three ways: imaging findings (the hcc-imaging Observations: mRECIST target and
    overall, viable percent, tumor count, Vp, spread) into one CDA document, AFP into one HL7 v2 ORU, everything
    else (TACE Procedures and their attributes, other labs, clinical records) left in the FHIR Bundle. Same values,
    same days."""
    kept, cda, obx = [], [], []
    for e in bundle["entry"]:
        r = e["resource"]
        coding = r.get("code", {}).get("coding", [{}])[0] if r["resourceType"] == "Observation" else {}
        if coding.get("code") == "1834-1":
            d = r["effectiveDateTime"].replace("-", "")
            obx.append(f"OBX|{len(obx) + 1}|NM|1834-1^^LN||{r['valueQuantity']['value']}|ng/mL^^UCUM|||||F|||{d}")
        elif coding.get("system", "").endswith("/CodeSystem/hcc-imaging"):
            code, day = coding["code"], r["effectiveDateTime"].replace("-", "")
            if "valueQuantity" in r:
                value = f'<value xsi:type="PQ" value="{r["valueQuantity"]["value"]}" unit="%"/>'
            elif "valueInteger" in r:
                value = f'<value xsi:type="INT" value="{r["valueInteger"]}"/>'
            else:
                v = r["valueCodeableConcept"]["coding"][0]["code"]
                value = f'<value xsi:type="CD" code="{v}" codeSystem="{IMAGING_VALUE_OIDS[code]}"/>'
            cda.append(f'<entry><observation classCode="OBS" moodCode="EVN"><id root="2.999.9" extension="{r["id"]}"/>'
                       f'<code code="{code}" codeSystem="{ARC}.1.1"/><statusCode code="completed"/>'
                       f'<effectiveTime value="{day}"/>{value}</observation></entry>')
        else:
            kept.append(e)
    document = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                '<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/><id root="2.999.9" extension="doc-imaging"/>'
                '<code code="18748-4" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="20250701"/>'
                f'<recordTarget><patientRole><id root="2.999.7.7" extension="{mrn}"/></patientRole></recordTarget>'
                '<component><structuredBody><component><section>' + "".join(cda) +
                '</section></component></structuredBody></component></ClinicalDocument>\n')
    segments = ["MSH|^~\\&|LIS|WESTBROOK|TACE|ONCO|20250701090000+0000||ORU^R01|AFP-1|P|2.5.1",
                f"PID|1||{mrn}^^^WESTBROOK^MR", "OBR|1||F1|1834-1^^LN"] + obx
    rest = dict(bundle, entry=kept)
    return rest, document, ("\r".join(segments) + "\r").encode(), len(cda), len(obx)


@pytest.mark.parametrize("name, imaging, afp", [("jsh-c1a-insufficient", 10, 1), ("marker-rise-21", 5, 3)])
def test_cda_imaging_hl7v2_afp_and_fhir_procedures_give_the_fhir_verdicts(tacebridge, tmp_path, name, imaging, afp):
    """Review, test gaps: the same patient's course with its imaging findings (mRECIST target and overall
    categories, viable percent, tumor count, Vp, spread) in a CDA document, its AFP in an HL7 v2 ORU and its TACE
    sessions as FHIR Procedures — linked through one site assigning-authorities.csv (the CDA root OID and the HL7 v2
    namespace both name the FHIR MRN system) — gives the verdicts and ART/ABCR of the all-FHIR sample. Lima's
    verdicts rest on the CDA viable percents and categories, Romeo's JSH verdict on the HL7 v2 AFP rise."""
    bundle = json.loads((ROOT / sample(name)).read_text())
    mrn = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")["identifier"][0]["value"]
    rest, document, oru, n_cda, n_obx = split_by_format(bundle, mrn)
    assert (n_cda, n_obx) == (imaging, afp)
    assert not any(e["resource"]["resourceType"] == "Observation" and e["resource"]["code"]["coding"][0]["system"].endswith("hcc-imaging")
                   for e in rest["entry"])
    (tmp_path / "rest.json").write_text(json.dumps(rest))
    (tmp_path / "imaging.xml").write_text(document)
    (tmp_path / "afp.hl7").write_bytes(oru)
    site = tmp_path / "site"
    site.mkdir()
    (site / "assigning-authorities.csv").write_text(
        "authority,system\nWESTBROOK,https://fhir.westbrook-hospital.test/sid/mrn\n2.999.7.7,https://fhir.westbrook-hospital.test/sid/mrn\n")
    mixed, proc = score(tacebridge, "--mappings", site, tmp_path / "imaging.xml", tmp_path / "afp.hl7", tmp_path / "rest.json")
    fhir_only, _ = score(tacebridge, sample(name))
    assert verdicts(mixed) == verdicts(fhir_only)
    assert [verdicts(mixed)[d] for d in DEFINITIONS] == expected_pairs(EXPECTED[name])

    def retreatment(b):
        return {r["method"]["coding"][0]["code"]: (r["prediction"][0].get("qualitativeRisk", {}).get("coding", [{}])[0].get("code"))
                for r in by_type(b, "RiskAssessment") if r["method"]["coding"][0]["code"] in ("art", "abcr")}
    assert retreatment(mixed) == retreatment(fhir_only)
    if name == "jsh-c1a-insufficient":
        assert retreatment(mixed) == {"art": "high", "abcr": "moderate"}


def test_an_aborted_session_is_shown_and_breaks_the_chain(tacebridge):
    """Review 13: Kilo's TACE attempt of 2025-02-24 (Procedure.status stopped) is listed as not performed, named in
    every rationale as the chain break, in the basis of the non-refractory verdicts, and never counted as TACE-2."""
    out = tacebridge("timeline", "--quiet", "--now", NOW, sample("chain-aborted-session"), check_exit=0).stdout.decode()
    assert re.search(r"2\s+2025-02-24\s+no \(stopped\)", out)
    assert re.search(r"2025-04-10\s+#3 \+30 d\s+70 %", out)
    bundle, _ = score(tacebridge, sample("chain-aborted-session"))
    for r in by_type(bundle, "RiskAssessment"):
        code = r["method"]["coding"][0]["code"]
        rationale = r["prediction"][0].get("rationale", "")
        if code in DEFINITIONS:
            assert "session 2025-02-24 TACE begun and not completed (status stopped): chain broken" in rationale, code
            if r["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "not-refractory":
                assert "Procedure/refr-kilo-tace-attempt" in [b.get("reference") for b in r["basis"]], code
    timeline = tacebridge("timeline", "--quiet", "--now", NOW, sample("chain-aborted-session"), check_exit=0).stdout.decode()
    assert "TACE-1 2025-01-10, second TACE 2025-03-11; not counted as TACE-1 or TACE-2: TACE attempt 2025-02-24 begun and not completed (status stopped)" in timeline
    doc = json.loads(tacebridge("timeline", "--quiet", "--now", NOW, "--format", "json", sample("chain-aborted-session"), check_exit=0).stdout)
    sessions = doc["patients"][0]["sessions"]
    assert [(s["date"], s.get("performed", True), s.get("procedureStatus"), s["qualifying"]) for s in sessions] == [
        ("2025-01-10", True, None, True), ("2025-02-24", False, "stopped", False),
        ("2025-03-11", True, None, True), ("2025-05-10", True, None, True)]
    converted = json.loads(tacebridge("convert", "--quiet", sample("chain-aborted-session"), check_exit=0).stdout)
    statuses = sorted(r["status"] for r in by_type(converted, "Procedure"))
    assert statuses == ["completed", "completed", "completed", "stopped"]


def test_with_one_session_the_day_standing_for_tace2_is_named(tacebridge):
    """Review 18: with one TACE recorded, ART/ABCR read "before TACE-2" as of the evaluation day: the --as-of day
    when given, else the run day — and then the rationale warns that another run day can give another result."""
    run_day = tacebridge("timeline", "--quiet", "--now", NOW, sample("marker-rise-21"), check_exit=0).stdout.decode()
    assert ("second TACE not yet recorded: values before it taken as of 2026-01-01, the day of this run (no as-of day given, "
            "so a run on another day can give another result") in run_day
    as_of = tacebridge("timeline", "--quiet", "--now", NOW, "--as-of", "2025-03-01", sample("marker-rise-21"), check_exit=0).stdout.decode()
    assert "second TACE not yet recorded: values before it taken as of the evaluation day 2025-03-01 (the as-of day given)" in as_of
    assert "the day of this run" not in as_of


def test_abcr_bclc_parameters_are_listed_and_echoed(tacebridge):
    out = tacebridge("parameters", check_exit=0).stdout.decode()
    assert "abcr.bclcLookbackDays = 60" in out and "abcr.bclcVersion = unstated" in out
    bundle, _ = score(tacebridge, "--set", "abcr.bclcVersion=pre-2022", sample("jsh-c1a-insufficient"))
    abcr = next(r for r in by_type(bundle, "RiskAssessment") if r["method"]["coding"][0]["code"] == "abcr")
    assert "abcr.bclcVersion=pre-2022: recorded stages follow the pre-2022 BCLC" in abcr["prediction"][0]["rationale"]
    short, _ = score(tacebridge, "--set", "abcr.bclcLookbackDays=9", sample("jsh-c1a-insufficient"))
    assert not [r for r in by_type(short, "RiskAssessment") if r["method"]["coding"][0]["code"] == "abcr"]
