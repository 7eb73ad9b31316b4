#if canImport(Glibc)
import Glibc
#endif
import TACEModel

/// Generates a synthetic FHIR R4 NDJSON cohort: per patient a Patient, a Condition, a TACE Procedure
/// and Observations for every p-TACE input plus extra labs, in the shapes real exports use.
/// Deterministic (seeded) so figures are comparable between runs. All data are invented.
struct CorpusGenerator {
    var seed: UInt64 = 0x7ACE_B21D_6E0E_2026

    mutating func next() -> UInt64 {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var z = seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }

    static let labs: [(code: String, display: String, unit: String, lo: Double, hi: Double)] = [
        ("1834-1", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma", "ng/mL", 2, 9000),
        ("2324-2", "Gamma glutamyl transferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 15, 300),
        ("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", 2.5, 4.8),
        ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", 0.3, 3.5),
        ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 15, 200),
        ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 10, 180),
        ("6301-6", "INR in Platelet poor plasma by Coagulation assay", "{INR}", 0.9, 2.0),
        ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 60, 350),
    ]

    /// Writes the NDJSON lines of `patients` patients to `fd`, returning bytes and resource count.
    mutating func write(patients: Int, observationsPerLab: Int, to fd: Int32) -> (bytes: Int, resources: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(8 << 20)
        var bytes = 0, resources = 0
        func flush(_ force: Bool) {
            guard force || out.count > 4 << 20 else { return }
            out.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let r = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                    if r <= 0 { break }
                    off += r
                }
            }
            bytes += out.count
            out.removeAll(keepingCapacity: true)
        }
        func line(_ s: String) { out.append(contentsOf: s.utf8); out.append(0x0A); resources += 1 }
        let base = ClinicalTime(year: 2024, month: 3, day: 1, hour: 9, utcOffsetSeconds: 8 * 3600)
        for p in 0..<patients {
            let pid = "bench-\(p)"
            let tace = base.adding(days: Double(p % 300))
            line(#"{"resourceType":"Patient","id":"\#(pid)","identifier":[{"system":"urn:oid:1.2.36.146.595.217.0.1","value":"MRN\#(100000 + p)"}],"name":[{"family":"Synthetic","given":["Bench\#(p)"]}],"gender":"\#(p % 2 == 0 ? "female" : "male")","birthDate":"1955-0\#(1 + p % 9)-15"}"#)
            line(#"{"resourceType":"Condition","id":"\#(pid)-hcc","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"109841003","display":"Liver cell carcinoma (disorder)"}]},"subject":{"reference":"Patient/\#(pid)"},"onsetDateTime":"\#(base.adding(days: -40).fhirDateTime)"}"#)
            line(#"{"resourceType":"Procedure","id":"\#(pid)-tace1","status":"completed","code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"tace","display":"Transarterial chemoembolization"}]},"subject":{"reference":"Patient/\#(pid)"},"performedDateTime":"\#(tace.fhirDateTime)"}"#)
            for k in 0..<observationsPerLab {
                for (i, lab) in Self.labs.enumerated() {
                    let v = (uniform(lab.lo, lab.hi) * 100).rounded() / 100
                    let when = tace.adding(days: -Double(2 + k * 9 + i % 3))
                    line(#"{"resourceType":"Observation","id":"\#(pid)-\#(lab.code)-\#(k)","meta":{"versionId":"1","lastUpdated":"\#(when.adding(days: 0.1).fhirDateTime)"},"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory","display":"Laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"\#(lab.code)","display":"\#(lab.display)"}],"text":"\#(lab.display)"},"subject":{"reference":"Patient/\#(pid)"},"effectiveDateTime":"\#(when.fhirDateTime)","issued":"\#(when.adding(days: 0.2).fhirDateTime)","valueQuantity":{"value":\#(v),"unit":"\#(lab.unit)","system":"http://unitsofmeasure.org","code":"\#(lab.unit)"},"referenceRange":[{"low":{"value":0,"unit":"\#(lab.unit)","system":"http://unitsofmeasure.org","code":"\#(lab.unit)"}}]}"#)
                }
            }
            let imaging = tace.adding(days: -12)
            let type = pick(["type-1", "type-2", "type-3", "type-4"])
            line(#"{"resourceType":"Observation","id":"\#(pid)-vasc","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"imaging"}]}],"code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-imaging","code":"vascularization-pattern"}]},"subject":{"reference":"Patient/\#(pid)"},"effectiveDateTime":"\#(imaging.fhirDateTime)","valueCodeableConcept":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/vascularization-pattern","code":"\#(type)"}]}}"#)
            let size = (uniform(12, 110)).rounded()
            line(#"{"resourceType":"Observation","id":"\#(pid)-size","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"imaging"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"21889-1","display":"Size Tumor"}]},"subject":{"reference":"Patient/\#(pid)"},"effectiveDateTime":"\#(imaging.fhirDateTime)","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33728-7","display":"Size.maximum dimension in Tumor"}]},"valueQuantity":{"value":\#(Int(size)),"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"}}]}"#)
            flush(false)
        }
        flush(true)
        return (bytes, resources)
    }
}
