import TACEJSON
import TACEModel
import TACEScoring

/// One patient's results, ready to be written.
public struct PatientAssessment: Sendable {
    public var patient: PatientIdentity
    /// 1-based position of the patient in the input, and where it was first read: used in
    /// stderr diagnostics instead of identifiers (which are patient data).
    public var ordinal: Int
    public var firstSeen: String
    public var ptace: PTACEAssessment
    public var childPugh: ChildPughAssessment
    /// The HCC Condition, when the input had one with a resolvable reference.
    public var conditionReference: String?

    public init(patient: PatientIdentity, ordinal: Int, firstSeen: String, ptace: PTACEAssessment,
                childPugh: ChildPughAssessment, conditionReference: String?) {
        self.patient = patient
        self.ordinal = ordinal
        self.firstSeen = firstSeen
        self.ptace = ptace
        self.childPugh = childPugh
        self.conditionReference = conditionReference
    }
}

/// Writes p-TACE results as FHIR R4 (clinical reference §9.5): a score Observation, an ALBI
/// Observation, a Child-Pugh Observation when computable, a RiskAssessment and a Provenance —
/// or, for a patient lacking inputs, an OperationOutcome naming what is missing.
public struct AssessmentWriter {
    public var configuration: ScoringConfiguration
    /// When the run happened (Provenance.recorded). Passed in: writers do not read the clock.
    public var recorded: ClinicalTime
    /// Add the source file and position to included input observations (see `NormalizedResourceWriter`).
    public var traceSource = false
    /// Set when the p-TACE RiskAssessment written replaces an earlier one (see `Amendment`).
    public var amendment: Amendment?

    public init(configuration: ScoringConfiguration, recorded: ClinicalTime, traceSource: Bool = false) {
        self.configuration = configuration
        self.recorded = recorded
        self.traceSource = traceSource
    }

    /// An OperationOutcome for a patient without a complete score, for stderr or the collection Bundle.
    public struct Incomplete: Sendable {
        public var ordinal: Int
        public var message: String
    }

    /// Writes the patient's entries. Returns the OperationOutcome text when the score is incomplete.
    @discardableResult
    public func write(_ a: PatientAssessment, to bundle: inout BundleStreamWriter) -> Incomplete? {
        let key = assessmentKey(a)
        // Inputs: reference the source resource when it has an id; otherwise include the normalized input.
        var inputRefs: [String] = []
        var seen = Set<String>()
        var evidence = a.ptace.evidence
        if a.childPugh.isComplete { evidence += a.childPugh.evidence }
        for o in evidence {
            let ref: String
            if let external = NormalizedResourceWriter.externalReference(of: o) {
                ref = external
            } else {
                ref = NormalizedResourceWriter.fullUrl(of: o)
                NormalizedResourceWriter.entry(o, traceSource: traceSource, into: &bundle)
            }
            if seen.insert(ref).inserted { inputRefs.append(ref) }
        }

        guard a.ptace.isComplete, let total = a.ptace.total, let grade = a.ptace.grade else {
            let message = incompleteMessage(a)
            if bundle.type == .collection {
                bundle.entry(id: StableID(key + ["operation-outcome"]), request: nil) { json in
                    writeOperationOutcome(message: message + " Patient: " + (a.patient.reference ?? "identified by business identifier")
                                          + ". Index date \(a.ptace.index.time.localText). " + a.ptace.rationale, into: &json)
                }
            }
            writeSupportingScores(a, key: key, to: &bundle, refs: &inputRefs)
            return Incomplete(ordinal: a.ordinal, message: message)
        }

        let scoreKey = StableID(key + ["score"])
        let scoreId = "ptace-" + scoreKey.hex
        let scoreUrl = scoreKey.urnUUID
        bundle.entry(id: scoreKey, request: .conditionalCreate(type: "Observation", identifierSystem: TACECodeSystems.scoreObservationIdentifier, identifierValue: scoreId)) { json in
            writeScoreObservation(a, total: total, grade: grade, identifier: scoreId, derivedFrom: inputRefs, into: &json)
        }
        var targets = [scoreUrl]
        targets += writeSupportingScores(a, key: key, to: &bundle, refs: &inputRefs)

        let riskKey = StableID(key + ["risk"])
        let riskId = "ptace-" + riskKey.hex
        let riskUrl = riskKey.urnUUID
        bundle.entry(id: riskKey, request: .conditionalCreate(type: "RiskAssessment", identifierSystem: TACECodeSystems.riskAssessmentIdentifier, identifierValue: riskId)) { json in
            writeRiskAssessment(a, grade: grade, identifier: riskId, basis: [scoreUrl] + inputRefs, into: &json)
        }
        targets.insert(riskUrl, at: 0)

        let provenanceKey = StableID(key + ["provenance"])
        let provenanceId = "tacebridge-" + provenanceKey.hex
        let provenanceResourceId: String? = bundle.type == .transaction ? provenanceId : nil
        bundle.entry(id: provenanceKey, request: .put(type: "Provenance", id: provenanceId)) { json in
            // A PUT needs resource.id equal to the id in the request URL.
            writeProvenance(id: provenanceResourceId, targets: targets, sources: inputRefs, into: &json)
        }
        return nil
    }

    /// Everything that makes two assessments the same: patient, index date, inputs and configuration.
    func assessmentKey(_ a: PatientAssessment) -> [String] {
        var parts = [a.patient.reference ?? a.patient.identifiers.map { ($0.system ?? "") + "|" + $0.value }.joined(separator: ","),
                     a.ptace.index.time.localText, ScoringConfiguration.version]
        parts += configuration.echo.map { $0.name + "=" + $0.value }
        parts += a.ptace.evidence.map { $0.source.recordKey + "#" + $0.concept.rawValue }
        return parts
    }

    /// The OperationOutcome text without patient values, identifiers or dates (it may go to stderr):
    /// the patient's position in the input, the missing concept ids and the reachable interval.
    func incompleteMessage(_ a: PatientAssessment) -> String {
        let p = a.ptace
        let missing = p.missingConcepts.map(\.rawValue).joined(separator: ", ")
        let low = FHIRValues.clean(p.reachableTotal.lowerBound), high = FHIRValues.clean(p.reachableTotal.upperBound)
        return "p-TACE not computed for patient \(a.ordinal) (first read from \(a.firstSeen)): missing or unusable input for \(missing). "
            + "Reachable total \(fmt(low)) to \(fmt(high)) points (grades \(p.reachableGrades.lowerBound) to \(p.reachableGrades.upperBound)); "
            + "index date from \(p.index.source.rawValue)."
    }

    func writeOperationOutcome(message: String, into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("OperationOutcome")
        json.key("issue"); json.beginArray()
        json.beginObject()
        json.key("severity"); json.string("warning")
        json.key("code"); json.string("incomplete")
        json.key("diagnostics"); json.string(message)
        json.endObject()
        json.endArray()
        json.endObject()
    }

    /// ALBI and Child-Pugh observations, when computable. Returns their fullUrls.
    @discardableResult
    func writeSupportingScores(_ a: PatientAssessment, key: [String], to bundle: inout BundleStreamWriter, refs: inout [String]) -> [String] {
        var urls: [String] = []
        if let albi = a.ptace.albi {
            let note = "ALBI = 0.66 x log10(bilirubin \(fmt(FHIRValues.clean(albi.bilirubinUmolPerL))) umol/L) + (\(fmt(configuration.albiAlbuminCoefficient))) x albumin \(fmt(FHIRValues.clean(albi.albuminGPerL))) g/L = \(fmt4(albi.score)); grade \(albi.grade) (<= -2.60: 1; <= -1.39: 2; else 3). albi.roundTo=\(configuration.albiRounding.rawValue)."
            urls.append(writeDerivedScore(
                DerivedScore(name: "albi", code: "albi-score", display: "ALBI score", text: "ALBI score (Johnson 2015)", value: albi.score,
                             componentCode: "albi-grade", componentDisplay: "ALBI grade", component: .integer(albi.grade), note: note,
                             inputs: a.ptace.evidence.filter { $0.concept == .bilirubinTotal || $0.concept == .albumin }),
                for: a, key: key, to: &bundle))
        }
        if let result = a.childPugh.result {
            urls.append(writeDerivedScore(
                DerivedScore(name: "child-pugh", code: "child-pugh-score", display: "Child-Pugh score", text: "Child-Turcotte-Pugh score",
                             value: Double(result.points), componentCode: "child-pugh-class", componentDisplay: "Child-Pugh class",
                             component: .string(result.childClass), note: a.childPugh.rationale, inputs: a.childPugh.evidence),
                for: a, key: key, to: &bundle))
        }
        return urls
    }

    /// A score derived from the inputs (ALBI, Child-Pugh), written as an Observation with one component.
    struct DerivedScore {
        enum ComponentValue { case integer(Int), string(String) }
        var name: String
        var code: String
        var display: String
        var text: String
        var value: Double
        var componentCode: String
        var componentDisplay: String
        var component: ComponentValue
        var note: String
        var inputs: [TypedObservation]
    }

    /// Writes a derived-score Observation (conditional create on a deterministic identifier); returns its fullUrl.
    func writeDerivedScore(_ score: DerivedScore, for a: PatientAssessment, key: [String], to bundle: inout BundleStreamWriter) -> String {
        let stable = StableID(key + [score.name])
        let id = score.name + "-" + stable.hex
        bundle.entry(id: stable, request: .conditionalCreate(type: "Observation", identifierSystem: TACECodeSystems.derivedObservationIdentifier, identifierValue: id)) { json in
            json.beginObject()
            json.key("resourceType"); json.string("Observation")
            FHIRValues.identifier(&json, system: TACECodeSystems.derivedObservationIdentifier, value: id)
            json.key("status"); json.string("final")
            json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: score.code,
                                                         display: score.display, text: score.text)
            json.key("subject"); FHIRValues.subject(&json, a.patient)
            json.key("effectiveDateTime"); json.string(a.ptace.index.time.fhirDateTime)
            json.key("valueQuantity"); FHIRValues.quantity(&json, score.value, unit: .score)
            json.key("component"); json.beginArray()
            json.beginObject()
            json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: score.componentCode, display: score.componentDisplay)
            switch score.component {
            case .integer(let i): json.key("valueInteger"); json.number(i)
            case .string(let s): json.key("valueString"); json.string(s)
            }
            json.endObject()
            json.endArray()
            json.key("note"); json.beginArray(); json.beginObject()
            json.key("text"); json.string(score.note)
            json.endObject(); json.endArray()
            writeDerivedFrom(score.inputs, into: &json)
            json.endObject()
        }
        return stable.urnUUID
    }

    func writeDerivedFrom(_ inputs: [TypedObservation], into json: inout JSONWriter) {
        var refs: [String] = []
        for o in inputs {
            let r = NormalizedResourceWriter.externalReference(of: o) ?? NormalizedResourceWriter.fullUrl(of: o)
            if !refs.contains(r) { refs.append(r) }
        }
        guard !refs.isEmpty else { return }
        json.key("derivedFrom"); json.beginArray()
        for r in refs { FHIRValues.reference(&json, r) }
        json.endArray()
    }

    func writeScoreObservation(_ a: PatientAssessment, total: Double, grade: Int, identifier: String, derivedFrom: [String], into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("Observation")
        FHIRValues.identifier(&json, system: TACECodeSystems.scoreObservationIdentifier, value: identifier)
        json.key("status"); json.string("final")
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: "ptace-total",
                                                     display: "p-TACE total score", text: "p-TACE total score (0-19.5)")
        json.key("subject"); FHIRValues.subject(&json, a.patient)
        json.key("effectiveDateTime"); json.string(a.ptace.index.time.fhirDateTime)
        json.key("valueQuantity"); FHIRValues.quantity(&json, total, unit: .score)
        json.key("component"); json.beginArray()
        for (factor, outcome) in a.ptace.factors {
            if case .scored(let points, _, _) = outcome {
                json.beginObject()
                json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: factor.pointsCode)
                json.key("valueQuantity"); FHIRValues.quantity(&json, points, unit: .score)
                json.endObject()
            }
        }
        json.beginObject()
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: "ptace-grade", display: "p-TACE risk grade")
        json.key("valueInteger"); json.number(grade)
        json.endObject()
        json.endArray()
        if !derivedFrom.isEmpty {
            json.key("derivedFrom"); json.beginArray()
            for r in derivedFrom { FHIRValues.reference(&json, r) }
            json.endArray()
        }
        json.endObject()
    }

    func writeRiskAssessment(_ a: PatientAssessment, grade: Int, identifier: String, basis: [String], into json: inout JSONWriter) {
        let p = a.ptace
        json.beginObject()
        json.key("resourceType"); json.string("RiskAssessment")
        FHIRValues.identifier(&json, system: TACECodeSystems.riskAssessmentIdentifier, value: identifier)
        Amendment.writeStatus(amendment, into: &json)
        json.key("method"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: "p-tace",
                                                       display: "p-TACE pre-treatment score for TACE refractoriness",
                                                       text: "p-TACE (J Cancer; Zhongshan Hospital, n=824)")
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.snomed, code: "709510001",
                                                     display: "Assessment of risk for disease (procedure)")
        json.key("subject"); FHIRValues.subject(&json, a.patient)
        json.key("occurrenceDateTime"); json.string(p.index.time.fhirDateTime)
        if let condition = a.conditionReference { json.key("condition"); FHIRValues.reference(&json, condition) }
        json.key("performer"); FHIRValues.deviceReference(&json)
        json.key("basis"); json.beginArray()
        for r in basis { FHIRValues.reference(&json, r) }
        json.endArray()
        json.key("prediction"); json.beginArray()
        json.beginObject()
        json.key("outcome"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.outcomes, code: "tace-refractoriness",
                                                        display: "TACE failure/refractoriness",
                                                        text: "TACE refractoriness as judged by the JSH-LCSGJ 2014 criteria (the outcome of the p-TACE derivation study)")
        if let probability = p.probability {
            json.key("probabilityDecimal"); json.number((probability * 1000).rounded() / 1000)
        }
        if let q = p.qualitativeRisk {
            json.key("qualitativeRisk"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.riskProbability, code: q.rawValue, display: q.display)
        }
        json.key("whenPeriod"); json.beginObject(); json.key("start"); json.string(p.index.time.fhirDateTime); json.endObject()
        json.key("rationale"); json.string(p.rationale + conversionText(p.evidence))
        json.endObject()
        json.endArray()
        json.key("note"); json.beginArray(); json.beginObject()
        var note = "Decision support only. The p-TACE model was derived in a single centre (Zhongshan Hospital, n=824; HBV-predominant, BCLC A/B, Child-Pugh A/B, ECOG 0-1) and has not been externally validated outside that population."
        if let lp = p.logisticProbability, configuration.ptaceProbabilitySource != .logisticModel {
            note += " Logistic-model probability with effective intercept \(fmt(configuration.ptaceIntercept)) would be \(fmt3(lp)) (not used by default: the paper's printed intercept is inconsistent with its Table 5)."
        }
        json.key("text"); json.string(note)
        json.endObject(); json.endArray()
        json.endObject()
    }

    func writeProvenance(id: String?, targets: [String], sources: [String], into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("Provenance")
        if let id { json.key("id"); json.string(id) }
        json.key("target"); json.beginArray()
        for t in targets { FHIRValues.reference(&json, t) }
        json.endArray()
        json.key("recorded"); json.string(recordedInstant)
        json.key("activity"); FHIRValues.codeableConcept(&json, system: "http://terminology.hl7.org/CodeSystem/v3-DataOperation", code: "CREATE")
        json.key("agent"); json.beginArray(); json.beginObject()
        json.key("type"); FHIRValues.codeableConcept(&json, system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "author")
        json.key("who"); FHIRValues.deviceReference(&json)
        json.endObject(); json.endArray()
        if !sources.isEmpty {
            json.key("entity"); json.beginArray()
            for s in sources {
                json.beginObject()
                json.key("role"); json.string("source")
                json.key("what"); FHIRValues.reference(&json, s)
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
    }

    /// " Unit conversions: AFP 70 [IU]/mL x 1.21 (afp.ngPerIU) = 84.7 ng/mL; ..." for inputs that were converted.
    func conversionText(_ evidence: [TypedObservation]) -> String {
        var parts: [String] = []
        for o in evidence {
            guard let c = o.conversion, let m = o.value.measurement else { continue }
            var text = "\(o.concept.rawValue) \(o.original.valueText ?? "?") \(c.from.rawValue) x \(NormalizedResourceWriter.formatFactor(c.factor))"
            if let parameter = c.parameter { text += " (\(parameter))" }
            text += " = \(fmt(FHIRValues.clean(m.value))) \(m.unit.rawValue)"
            parts.append(text)
        }
        return parts.isEmpty ? "" : " Unit conversions: " + parts.joined(separator: "; ") + "."
    }

    /// FHIR `instant` needs seconds and a zone.
    var recordedInstant: String {
        var t = recorded
        if t.precision < .second { t.precision = .second }
        if t.utcOffsetSeconds == nil { t.utcOffsetSeconds = 0 }
        return t.fhirDateTime
    }
}

extension QualitativeRisk {
    var display: String {
        switch self {
        case .negligible: return "Negligible likelihood"
        case .low: return "Low likelihood"
        case .moderate: return "Moderate likelihood"
        case .high: return "High likelihood"
        case .certain: return "Certain"
        }
    }
}

func fmt(_ x: Double) -> String {
    let c = FHIRValues.clean(x)
    if c == c.rounded(), abs(c) < 1e15 { return String(Int(c)) }
    return String(c)
}
func fmt3(_ x: Double) -> String { fmt((x * 1000).rounded() / 1000) }
func fmt4(_ x: Double) -> String { fmt((x * 10000).rounded() / 10000) }

/// A standalone OperationOutcome as one line of compact JSON (for stderr in transaction mode).
public enum OperationOutcomeText {
    public static func json(_ diagnostics: String) -> String {
        var json = JSONWriter(pretty: false)
        json.beginObject()
        json.key("resourceType"); json.string("OperationOutcome")
        json.key("issue"); json.beginArray(); json.beginObject()
        json.key("severity"); json.string("warning")
        json.key("code"); json.string("incomplete")
        json.key("diagnostics"); json.string(diagnostics)
        json.endObject(); json.endArray()
        json.endObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
