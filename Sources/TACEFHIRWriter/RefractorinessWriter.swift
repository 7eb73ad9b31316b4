import TACEJSON
import TACEModel
import TACERefractoriness
import TACEScoring

/// One patient's refractoriness verdicts and re-treatment scores, ready to be written.
public struct RefractorinessAssessment: Sendable {
    public var patient: PatientIdentity
    /// 1-based position of the patient in the input (diagnostics name it instead of identifiers).
    public var ordinal: Int
    public var conditionReference: String?
    public var evaluationDay: ClinicalDay
    /// In the order the definitions were requested.
    public var verdicts: [RefractorinessVerdict]
    /// ART and/or ABCR, computed or not.
    public var reTreatment: [ReTreatmentScore]

    public init(patient: PatientIdentity, ordinal: Int, conditionReference: String?, evaluationDay: ClinicalDay,
                verdicts: [RefractorinessVerdict], reTreatment: [ReTreatmentScore]) {
        self.patient = patient
        self.ordinal = ordinal
        self.conditionReference = conditionReference
        self.evaluationDay = evaluationDay
        self.verdicts = verdicts
        self.reTreatment = reTreatment
    }
}

/// Writes refractoriness as FHIR R4 (clinical reference §9.6): one RiskAssessment per definition
/// (method = the definition and its configuration, qualitativeRisk = the status, rationale = the clauses,
/// basis = the evidence), optionally the Observation form, ART/ABCR as a score Observation and a
/// RiskAssessment (or an OperationOutcome saying why not computed), and one Provenance.
public struct RefractorinessWriter {
    public var recorded: ClinicalTime
    public var traceSource: Bool
    /// Also write the §9.6 Observation form of each verdict.
    public var observationForm: Bool
    /// Set when the RiskAssessment written (call `write` with one verdict or one score) replaces an earlier one.
    public var amendment: Amendment?

    public init(recorded: ClinicalTime, traceSource: Bool = false, observationForm: Bool = false) {
        self.recorded = recorded
        self.traceSource = traceSource
        self.observationForm = observationForm
    }

    static let statusSystem = TACECodeSystems.outcomes
    static let dataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

    public func write(_ a: RefractorinessAssessment, to bundle: inout BundleStreamWriter) {
        let key = patientKey(a.patient) + [a.evaluationDay.description]
        var targets: [String] = []
        var sources: [String] = []
        func references(_ evidence: [TypedObservation]) -> [String] {
            var refs: [String] = []
            for o in evidence {
                let ref: String
                if let external = NormalizedResourceWriter.externalReference(of: o) {
                    ref = external
                } else {
                    ref = NormalizedResourceWriter.fullUrl(of: o)
                    NormalizedResourceWriter.entry(o, traceSource: traceSource, into: &bundle)
                }
                if !refs.contains(ref) { refs.append(ref) }
                if !sources.contains(ref) { sources.append(ref) }
            }
            return refs
        }

        for v in a.verdicts {
            let evidence = v.evidence
            let basis = references(evidence)
            let evidenceKeys = evidence.map { $0.source.recordKey + "#" + $0.concept.rawValue }
            let stable = StableID(key + [v.definition.rawValue, v.configurationText] + evidenceKeys)
            let id = "refractoriness-" + stable.hex
            bundle.entry(id: stable, request: .conditionalCreate(type: "RiskAssessment", identifierSystem: TACECodeSystems.refractorinessIdentifier,
                                                                identifierValue: id)) { json in
                writeVerdict(v, a, identifier: id, basis: basis, into: &json)
            }
            targets.append(stable.urnUUID)
            if observationForm {
                // Same inputs as the RiskAssessment's identifier (review 15): new evidence gives a new Observation
                // too, so the two conditional creates never diverge.
                let obsKey = StableID(key + [v.definition.rawValue, "observation", v.configurationText] + evidenceKeys)
                let obsId = "refractoriness-status-" + obsKey.hex
                bundle.entry(id: obsKey, request: .conditionalCreate(type: "Observation", identifierSystem: TACECodeSystems.refractorinessIdentifier,
                                                                    identifierValue: obsId)) { json in
                    writeVerdictObservation(v, a, identifier: obsId, derivedFrom: basis, into: &json)
                }
                targets.append(obsKey.urnUUID)
            }
        }

        for score in a.reTreatment {
            guard let points = score.points, let group = score.group else {
                if bundle.type == .collection {
                    bundle.entry(id: StableID(key + [score.kind.rawValue, "not-computed"]), request: nil) { json in
                        writeNotComputed(score, a, into: &json)
                    }
                }
                continue
            }
            let basis = references(score.evidence)
            let scoreKey = StableID(key + [score.kind.rawValue, "score"] + score.evidence.map { $0.source.recordKey + "#" + $0.concept.rawValue })
            let scoreId = score.kind.rawValue + "-" + scoreKey.hex
            bundle.entry(id: scoreKey, request: .conditionalCreate(type: "Observation", identifierSystem: TACECodeSystems.reTreatmentIdentifier,
                                                                  identifierValue: scoreId)) { json in
                writeScoreObservation(score, points: points, group: group.code, a, identifier: scoreId, derivedFrom: basis, into: &json)
            }
            let riskKey = StableID(key + [score.kind.rawValue, "risk"] + score.evidence.map { $0.source.recordKey + "#" + $0.concept.rawValue })
            let riskId = score.kind.rawValue + "-" + riskKey.hex
            bundle.entry(id: riskKey, request: .conditionalCreate(type: "RiskAssessment", identifierSystem: TACECodeSystems.reTreatmentIdentifier,
                                                                 identifierValue: riskId)) { json in
                writeReTreatmentRisk(score, group: group, a, identifier: riskId, basis: [scoreKey.urnUUID] + basis, into: &json)
            }
            targets += [riskKey.urnUUID, scoreKey.urnUUID]
        }

        guard !targets.isEmpty else { return }
        let provenanceKey = StableID(key + ["refractoriness-provenance"] + targets)
        let provenanceId = "tacebridge-" + provenanceKey.hex
        let resourceId: String? = bundle.type == .transaction ? provenanceId : nil
        let author = AssessmentWriter(configuration: .init(), recorded: recorded)
        bundle.entry(id: provenanceKey, request: .put(type: "Provenance", id: provenanceId)) { json in
            author.writeProvenance(id: resourceId, targets: targets, sources: sources, into: &json)
        }
    }

    func patientKey(_ p: PatientIdentity) -> [String] {
        ["refractoriness", p.reference ?? p.identifiers.map { ($0.system ?? "") + "|" + $0.value }.joined(separator: ",")]
    }

    func statusCoding(_ status: RefractorinessStatus, into json: inout JSONWriter) {
        json.beginObject()
        json.key("coding"); json.beginArray()
        FHIRValues.coding(&json, system: Self.statusSystem, code: status.rawValue, display: status.display)
        if status == .refractory {
            FHIRValues.coding(&json, system: TACECodeSystems.riskProbability, code: QualitativeRisk.certain.rawValue,
                              display: QualitativeRisk.certain.display)
        }
        json.endArray()
        json.endObject()
    }

    func methodConcept(_ v: RefractorinessVerdict, into json: inout JSONWriter) {
        FHIRValues.codeableConcept(&json, system: TACECodeSystems.refractorinessDefinitions, code: v.definition.rawValue,
                                   display: v.definition.display, text: v.definition.version + "; " + v.configurationText)
    }

    func writeVerdict(_ v: RefractorinessVerdict, _ a: RefractorinessAssessment, identifier: String, basis: [String],
                      into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("RiskAssessment")
        FHIRValues.identifier(&json, system: TACECodeSystems.refractorinessIdentifier, value: identifier)
        Amendment.writeStatus(amendment, into: &json)
        json.key("method"); methodConcept(v, into: &json)
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.snomed, code: "709510001",
                                                     display: "Assessment of risk for disease (procedure)")
        json.key("subject"); FHIRValues.subject(&json, a.patient)
        json.key("occurrenceDateTime"); json.string(v.evaluationDay.description)
        if let condition = a.conditionReference { json.key("condition"); FHIRValues.reference(&json, condition) }
        json.key("performer"); FHIRValues.deviceReference(&json)
        if !basis.isEmpty {
            json.key("basis"); json.beginArray()
            for r in basis { FHIRValues.reference(&json, r) }
            json.endArray()
        }
        json.key("prediction"); json.beginArray()
        json.beginObject()
        json.key("outcome"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.outcomes, code: "tace-refractoriness",
                                                        display: "TACE failure/refractoriness",
                                                        text: "TACE refractoriness by the \(v.definition.display)")
        json.key("qualitativeRisk"); statusCoding(v.status, into: &json)
        // §9.1: without `when` the prediction would apply over the lifespan. Refractory: since the day it was met;
        // otherwise from the assessment (evaluation) day.
        json.key("whenPeriod"); json.beginObject(); json.key("start"); json.string((v.dayMet ?? v.evaluationDay).description); json.endObject()
        json.key("rationale"); json.string(v.rationale(includingConfiguration: false))  // the configuration is in method.text
        json.endObject()
        json.endArray()
        json.key("note"); json.beginArray(); json.beginObject()
        json.key("text"); json.string("Decision support only. Status as of \(v.evaluationDay) from the recorded timeline; "
            + "'indeterminate' means the data do not allow a verdict (see rationale), not that the patient is refractory.")
        json.endObject(); json.endArray()
        json.endObject()
    }

    /// The Observation form of §9.6: status as value, one component per triggering clause.
    func writeVerdictObservation(_ v: RefractorinessVerdict, _ a: RefractorinessAssessment, identifier: String,
                                 derivedFrom: [String], into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("Observation")
        FHIRValues.identifier(&json, system: TACECodeSystems.refractorinessIdentifier, value: identifier)
        json.key("status"); json.string("final")
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.outcomes, code: "tace-refractoriness-status",
                                                     display: "TACE failure/refractoriness status")
        json.key("subject"); FHIRValues.subject(&json, a.patient)
        if let condition = a.conditionReference {
            json.key("focus"); json.beginArray(); FHIRValues.reference(&json, condition); json.endArray()
        }
        json.key("effectiveDateTime"); json.string(v.evaluationDay.description)
        json.key("valueCodeableConcept")
        FHIRValues.codeableConcept(&json, system: Self.statusSystem, code: v.status.rawValue, display: v.status.display)
        json.key("method"); methodConcept(v, into: &json)
        json.key("component"); json.beginArray()
        for clause in v.clauses where clause.triggers {
            json.beginObject()
            json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.refractorinessCriteria, code: clause.code,
                                                         display: clause.title)
            switch clause.outcome {
            case .met: json.key("valueBoolean"); json.bool(true)
            case .notMet: json.key("valueBoolean"); json.bool(false)
            case .undetermined, .noData:
                json.key("dataAbsentReason")
                FHIRValues.codeableConcept(&json, system: Self.dataAbsentReason, code: "unknown", display: "Unknown", text: clause.detail)
            }
            json.endObject()
        }
        json.endArray()
        if !derivedFrom.isEmpty {
            json.key("derivedFrom"); json.beginArray()
            for r in derivedFrom { FHIRValues.reference(&json, r) }
            json.endArray()
        }
        json.endObject()
    }

    func writeScoreObservation(_ s: ReTreatmentScore, points: Double, group: String, _ a: RefractorinessAssessment, identifier: String,
                               derivedFrom: [String], into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("Observation")
        FHIRValues.identifier(&json, system: TACECodeSystems.reTreatmentIdentifier, value: identifier)
        json.key("status"); json.string("final")
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: s.kind.rawValue + "-score",
                                                     display: s.kind.display)
        json.key("subject"); FHIRValues.subject(&json, a.patient)
        json.key("effectiveDateTime"); json.string(s.evaluationDay.description)
        json.key("valueQuantity"); FHIRValues.quantity(&json, points, unit: .score)
        json.key("component"); json.beginArray(); json.beginObject()
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: s.kind.rawValue + "-group",
                                                     display: s.kind == .art ? "ART group" : "ABCR group")
        json.key("valueString"); json.string(group)
        json.endObject(); json.endArray()
        json.key("note"); json.beginArray(); json.beginObject()
        json.key("text"); json.string(s.rationale)
        json.endObject(); json.endArray()
        if !derivedFrom.isEmpty {
            json.key("derivedFrom"); json.beginArray()
            for r in derivedFrom { FHIRValues.reference(&json, r) }
            json.endArray()
        }
        json.endObject()
    }

    func writeReTreatmentRisk(_ s: ReTreatmentScore, group: (code: String, meaning: String), _ a: RefractorinessAssessment,
                              identifier: String, basis: [String], into json: inout JSONWriter) {
        let q = s.qualitativeRisk ?? .moderate
        json.beginObject()
        json.key("resourceType"); json.string("RiskAssessment")
        FHIRValues.identifier(&json, system: TACECodeSystems.reTreatmentIdentifier, value: identifier)
        Amendment.writeStatus(amendment, into: &json)
        json.key("method"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.scores, code: s.kind.rawValue, display: s.kind.display,
                                                       text: s.kind == .art ? "ART: Sieghart W et al., Hepatology 2013;57:2261-2273"
                                                           : "ABCR: Adhoute X et al., J Hepatol 2015;62:855-862")
        json.key("code"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.snomed, code: "709510001",
                                                     display: "Assessment of risk for disease (procedure)")
        json.key("subject"); FHIRValues.subject(&json, a.patient)
        json.key("occurrenceDateTime"); json.string(s.evaluationDay.description)
        if let condition = a.conditionReference { json.key("condition"); FHIRValues.reference(&json, condition) }
        json.key("performer"); FHIRValues.deviceReference(&json)
        json.key("basis"); json.beginArray()
        for r in basis { FHIRValues.reference(&json, r) }
        json.endArray()
        json.key("prediction"); json.beginArray(); json.beginObject()
        json.key("outcome"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.outcomes, code: "poor-survival-with-tace-retreatment",
                                                        display: "Poor overall survival if TACE is repeated")
        json.key("qualitativeRisk"); FHIRValues.codeableConcept(&json, system: TACECodeSystems.riskProbability, code: q.rawValue, display: q.display)
        json.key("rationale"); json.string(s.rationale)
        json.endObject(); json.endArray()
        json.key("note"); json.beginArray(); json.beginObject()
        json.key("text"); json.string("Decision support only. Group \(group.code): \(group.meaning). qualitativeRisk maps the group "
            + "(\(s.qualitativeMapText ?? "")).")
        json.endObject(); json.endArray()
        json.endObject()
    }

    /// Why ART/ABCR was not computed (collection Bundles only), naming concepts and dates, never values.
    func writeNotComputed(_ s: ReTreatmentScore, _ a: RefractorinessAssessment, into json: inout JSONWriter) {
        json.beginObject()
        json.key("resourceType"); json.string("OperationOutcome")
        json.key("issue"); json.beginArray(); json.beginObject()
        json.key("severity"); json.string("information")
        json.key("code"); json.string("incomplete")
        json.key("diagnostics"); json.string("\(s.kind.display) not computed for patient \(a.ordinal): " + s.missing.joined(separator: "; ") + ".")
        json.endObject(); json.endArray()
        json.endObject()
    }
}
