#!/usr/bin/env python3
"""Writes the refractoriness sample patients (FHIR R4 collection Bundles) of samples/refractoriness/.

Every patient is fictitious. Day 0 is the first TACE, 2025-01-10, unless said otherwise. The expected
verdicts and the reasoning for each patient are in docs/refractoriness.md section 8 (worked by hand
from the course below, not from program output). Re-run after editing:  python3 make_samples.py
"""
import datetime
import json
from pathlib import Path

BASE = "https://tacebridge.org/fhir"
HOST = "https://fhir.westbrook-hospital.test/fhir"
DAY0 = datetime.date(2025, 1, 10)


def date(day):
    return (DAY0 + datetime.timedelta(days=day)).isoformat()


class Patient:
    def __init__(self, pid, family):
        self.pid = pid
        self.entries = []
        self.add("Patient", pid, {
            "identifier": [{"system": "https://fhir.westbrook-hospital.test/sid/mrn", "value": "TEST-" + pid.upper()}],
            "name": [{"family": family, "given": ["Fictitious"]}],
        })
        self.add("Condition", pid + "-hcc", {
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "109841003", "display": "Liver cell carcinoma (disorder)"}]},
            "subject": {"reference": "Patient/" + pid},
            "onsetDateTime": date(-30),
        })

    def add(self, rtype, rid, body):
        resource = {"resourceType": rtype, "id": rid}
        resource.update(body)
        self.entries.append({"fullUrl": f"{HOST}/{rtype}/{rid}", "resource": resource})

    def procedure(self, name, day, code="tace", display="Transarterial chemoembolization", status="completed"):
        self.add("Procedure", f"{self.pid}-{name}", {
            "status": status,
            "code": {"coding": [{"system": BASE + "/CodeSystem/hcc-procedures", "code": code, "display": display}]},
            "subject": {"reference": "Patient/" + self.pid},
            "performedDateTime": date(day),
        })

    def observation(self, name, day, system, code, value, category="imaging"):
        body = {
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": category}]}],
            "code": {"coding": [{"system": system, "code": code}]},
            "subject": {"reference": "Patient/" + self.pid},
            "effectiveDateTime": date(day),
        }
        body.update(value)
        self.add("Observation", f"{self.pid}-{name}", body)

    # --- building blocks -------------------------------------------------------------------------
    def tace(self, n, day, **attributes):
        self.procedure(f"tace-{n}", day)
        for concept, value in attributes.items():
            concept = concept.replace("_", "-")
            system = BASE + ("/CodeSystem/hcc-clinical" if concept == "treatment-intent" else "/CodeSystem/hcc-procedures")
            self.coded(f"tace-{n}-{concept}", day, system, concept, concept, value, "procedure")

    def coded(self, name, day, system, code, value_system, value, category="imaging"):
        self.observation(name, day, system, code,
                         {"valueCodeableConcept": {"coding": [{"system": f"{BASE}/CodeSystem/{value_system}", "code": value}]}}, category)

    def imaging(self, name, day, code, value):
        self.coded(name, day, BASE + "/CodeSystem/hcc-imaging", code, code, value)

    def viable(self, name, day, percent):
        self.observation(name, day, BASE + "/CodeSystem/hcc-imaging", "viable-tumor-percent",
                         {"valueQuantity": {"value": percent, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}})

    def count(self, name, day, n):
        self.observation(name, day, BASE + "/CodeSystem/hcc-imaging", "tumor-count", {"valueInteger": n})

    def baseline(self, day=-7, count=1):
        self.count("ct-baseline-count", day, count)
        self.imaging("ct-baseline-vp", day, "portal-vein-invasion", "Vp0")
        self.imaging("ct-baseline-ehs", day, "extrahepatic-spread", "absent")

    def lab(self, name, day, loinc, value, unit):
        self.observation(name, day, "http://loinc.org", loinc,
                         {"valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}, "laboratory")

    def liver(self, name, day, albumin_g_dl=4.0, bilirubin_mg_dl=0.8, inr=1.1, ast=None):
        self.lab(f"{name}-alb", day, "1751-7", albumin_g_dl, "g/dL")
        self.lab(f"{name}-bili", day, "1975-2", bilirubin_mg_dl, "mg/dL")
        self.lab(f"{name}-inr", day, "6301-6", inr, "{INR}")
        self.coded(f"{name}-ascites", day, BASE + "/CodeSystem/hcc-clinical", "ascites", "ascites", "absent", "exam")
        self.coded(f"{name}-enceph", day, BASE + "/CodeSystem/hcc-clinical", "encephalopathy", "encephalopathy", "none", "exam")
        if ast is not None:
            self.lab(f"{name}-ast", day, "1920-8", ast, "U/L")

    def afp(self, name, day, value):
        self.lab(name, day, "1834-1", value, "ng/mL")

    def write(self, path):
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": self.entries}
        Path(path).write_text(json.dumps(bundle, indent=2) + "\n")


def two_insufficient(pid, family, first, second, second_after=30):
    """Two sessions 60 days apart, each evaluated by a CT with a viable-tumor percent."""
    p = Patient(pid, family)
    p.baseline()
    p.tace(1, 0)
    p.viable("ct-1-viable", 30, first)
    p.tace(2, 60)
    p.viable("ct-2-viable", 60 + second_after, second)
    return p


def main():
    out = Path(__file__).parent
    samples = {}

    # Lima: JSH C1a (60 %, 70 %), curative intent, labs for ART/ABCR.
    p = Patient("refr-lima", "Lima")
    p.baseline()
    p.coded("bclc", -10, BASE + "/CodeSystem/hcc-clinical", "bclc-stage", "bclc-stage", "B", "exam")
    p.liver("labs-pre1", -2, albumin_g_dl=4.0, ast=40)
    p.afp("afp-pre1", -2, 50)
    p.tace(1, 0, tace_selectivity="superselective", tace_adequacy="adequate", treatment_intent="curative")
    p.viable("ct-1-viable", 30, 60)
    p.imaging("ct-1-target", 30, "mrecist-target-response", "SD")
    p.imaging("ct-1-overall", 30, "mrecist-response", "SD")
    p.liver("labs-pre2", 58, albumin_g_dl=3.2, ast=45)
    p.tace(2, 60, tace_selectivity="selective", tace_adequacy="adequate")
    p.viable("ct-2-viable", 90, 70)
    p.imaging("ct-2-target", 90, "mrecist-target-response", "SD")
    p.imaging("ct-2-overall", 90, "mrecist-response", "SD")
    p.count("ct-2-count", 90, 2)
    # Labs when refractoriness is established (the post-refractoriness HAIC factors).
    p.lab("labs-d85-alb", 85, "1751-7", 2.9, "g/dL")
    p.lab("labs-d85-ast", 85, "1920-8", 52, "U/L")
    p.lab("labs-d85-crp", 85, "1988-5", 4, "mg/L")
    samples["jsh-c1a-insufficient.json"] = p

    # Mike / November: viable 50 % vs 51 % twice (JSH 2014 vs 2021).
    samples["viable-50.json"] = two_insufficient("refr-mike", "Mike", 50, 50)
    samples["viable-51.json"] = two_insufficient("refr-november", "November", 51, 51)

    # Oscar / Papa: the second evaluation 27 vs 28 days after the second session.
    samples["eval-27-days.json"] = two_insufficient("refr-oscar", "Oscar", 70, 80, second_after=27)
    samples["eval-28-days.json"] = two_insufficient("refr-papa", "Papa", 70, 80, second_after=28)

    # Quebec / Romeo: AFP rise 19 % vs 21 % after one well-responding session.
    for fname, pid, family, last in (("marker-rise-19.json", "refr-quebec", "Quebec", 119), ("marker-rise-21.json", "refr-romeo", "Romeo", 121)):
        p = Patient(pid, family)
        p.baseline()
        p.afp("afp-0", -1, 100)
        p.tace(1, 0)
        p.afp("afp-1", 20, 110)
        p.viable("ct-1-viable", 30, 20)
        p.imaging("ct-1-target", 30, "mrecist-target-response", "PR")
        p.afp("afp-2", 40, last)
        samples[fname] = p

    # Sierra: a non-selective second session (recorded as components of one session-details Observation).
    p = Patient("refr-sierra", "Sierra")
    p.baseline()
    p.tace(1, 0)
    p.viable("ct-1-viable", 30, 70)
    p.procedure("tace-2", 60)
    p.observation("tace-2-details", 60, BASE + "/CodeSystem/hcc-procedures", "tace-session-details", {
        "component": [
            {"code": {"coding": [{"system": BASE + "/CodeSystem/hcc-procedures", "code": "tace-selectivity"}]},
             "valueCodeableConcept": {"coding": [{"system": BASE + "/CodeSystem/tace-selectivity", "code": "non-selective"}]}},
            {"code": {"coding": [{"system": BASE + "/CodeSystem/hcc-procedures", "code": "tace-adequacy"}]},
             "valueCodeableConcept": {"coding": [{"system": BASE + "/CodeSystem/tace-adequacy", "code": "adequate"}]}},
        ]}, "procedure")
    p.viable("ct-2-viable", 90, 70)
    p.tace(3, 120)
    p.viable("ct-3-viable", 150, 70)
    samples["chain-non-selective.json"] = p

    # Tango: an inadequate second session.
    p = Patient("refr-tango", "Tango")
    p.baseline()
    p.tace(1, 0)
    p.viable("ct-1-viable", 30, 70)
    p.tace(2, 60, tace_adequacy="inadequate")
    p.viable("ct-2-viable", 90, 70)
    p.tace(3, 120, tace_adequacy="adequate")
    p.viable("ct-3-viable", 150, 70)
    samples["chain-inadequate.json"] = p

    # Uniform: radiofrequency ablation between the two sessions.
    p = Patient("refr-uniform", "Uniform")
    p.baseline()
    p.tace(1, 0)
    p.viable("ct-1-viable", 30, 70)
    p.imaging("ct-1-overall", 30, "mrecist-response", "SD")
    p.procedure("rfa", 45, code="ablation", display="Local ablation")
    p.tace(2, 60)
    p.viable("ct-2-viable", 90, 80)
    p.imaging("ct-2-overall", 90, "mrecist-response", "SD")
    samples["chain-other-treatment.json"] = p

    # Kilo: an aborted TACE attempt (Procedure.status stopped) between the first and second sessions; every
    # session performed is evaluated at +30 d with viable 70 %, target SD, overall SD; curative intent.
    p = Patient("refr-kilo", "Kilo")
    p.baseline()
    for n, day in ((1, 0), (2, 60), (3, 120)):
        p.tace(n, day, **({"treatment_intent": "curative"} if n == 1 else {}))
        p.viable(f"ct-{n}-viable", day + 30, 70)
        p.imaging(f"ct-{n}-target", day + 30, "mrecist-target-response", "SD")
        p.imaging(f"ct-{n}-overall", day + 30, "mrecist-response", "SD")
    p.procedure("tace-attempt", 45, status="stopped")
    samples["chain-aborted-session.json"] = p
    # Victor: two consecutive increases of the tumor number (C1b), treated lesions responding.
    p = Patient("refr-victor", "Victor")
    p.baseline(count=1)
    p.tace(1, 0)
    p.count("ct-1-count", 30, 2)
    p.viable("ct-1-viable", 30, 20)
    p.tace(2, 60)
    p.count("ct-2-count", 90, 3)
    p.viable("ct-2-viable", 90, 10)
    samples["jsh-c1b-progression.json"] = p

    # Whiskey: new portal vein invasion (Vp2) while the treated lesion responds: JSH C3 vs Zhang.
    p = Patient("refr-whiskey", "Whiskey")
    p.baseline()
    for n, day in ((1, 0), (2, 60), (3, 120)):
        p.tace(n, day)
        p.imaging(f"ct-{n}-target", day + 30, "mrecist-target-response", "PR")
        p.imaging(f"ct-{n}-overall", day + 30, "mrecist-response", "PD" if n == 1 else "PR")
    p.imaging("ct-1-vp", 30, "portal-vein-invasion", "Vp2")
    samples["jsh-c3-vascular-invasion.json"] = p

    # X-ray: new extrahepatic spread.
    p = Patient("refr-xray", "Xray")
    p.baseline()
    p.tace(1, 0)
    p.viable("ct-1-viable", 30, 20)
    p.imaging("ct-1-ehs", 30, "extrahepatic-spread", "present")
    samples["jsh-c4-extrahepatic-spread.json"] = p

    # Yankee: three sessions in six months without objective response (IASL, Taiwan, Zhang).
    p = Patient("refr-yankee", "Yankee")
    p.baseline()
    for n, day, overall in ((1, 0, "SD"), (2, 60, "SD"), (3, 120, "PD")):
        p.tace(n, day)
        p.imaging(f"ct-{n}-target", day + 30, "mrecist-target-response", "SD")
        p.imaging(f"ct-{n}-overall", day + 30, "mrecist-response", overall)
    samples["iasl-three-sessions.json"] = p

    # Zulu: palliative TACE, responding lesion, a clinician records untreatable progression (liver function).
    p = Patient("refr-zulu", "Zulu")
    p.baseline()
    p.tace(1, 0, treatment_intent="palliative")
    p.viable("ct-1-viable", 30, 30)
    p.imaging("ct-1-overall", 30, "mrecist-response", "PR")
    p.tace(2, 60)
    p.viable("ct-2-viable", 90, 30)
    p.imaging("ct-2-overall", 90, "mrecist-response", "PR")
    p.coded("untreatable", 100, BASE + "/CodeSystem/hcc-clinical", "untreatable-progression", "untreatable-progression", "present", "exam")
    samples["europe-palliative-asserted.json"] = p

    for name, patient in samples.items():
        patient.write(out / name)
        print("wrote", name)


if __name__ == "__main__":
    main()
