import TACEModel

/// One patient's course under TACE, built from typed observations of any input format (FHIR, HL7 v2,
/// CDA): sessions, imaging studies, tumor markers, other treatments and clinical records, each on its
/// calendar day. Observations without a date, or whose status may not be used (only final, amended and
/// corrected results are), are counted and left out.
public struct PatientTimeline: Sendable {
    /// TACE sessions in day order (one per day), including attempts not completed (`TACESession.notCompleted`):
    /// those break chains; `performedSessions` are the ones that count as treatment.
    public private(set) var sessions: [TACESession] = []
    /// Imaging studies in day order (one per day).
    public private(set) var assessments: [ResponseAssessment] = []
    /// Tumor-marker series per analyte, in day order (one value per analyte and day).
    public private(set) var markers: [MarkerAnalyte: [MarkerSample]] = [:]
    /// Other treatments in day order.
    public private(set) var otherTreatments: [OtherTreatment] = []
    /// Treatment intent records in day order (also the ones attached to sessions).
    public private(set) var intents: [DatedRecord<TreatmentIntent>] = []
    /// Clinician assertions of untreatable progression (present/absent), in day order.
    public private(set) var untreatableProgression: [DatedRecord<Bool>] = []
    /// ECOG performance status records in day order.
    public private(set) var ecog: [DatedRecord<Int>] = []
    /// BCLC stage records (`0`, `A` … `D`) in day order.
    public private(set) var bclcStage: [DatedRecord<String>] = []
    /// Every usable dated observation (laboratory values for Child-Pugh, ALBI, AST, CRP are read from here).
    public private(set) var observations: [TypedObservation] = []
    /// Observations left out because they carry no date.
    public private(set) var undatedCount = 0
    /// Course events (sessions and their attributes, imaging, markers, other treatments, clinician records)
    /// dated only to a month or a year. They are left out of the day-counting rules (placing them on the first
    /// day of their period would invent day counts); the verdicts they could affect become indeterminate.
    public private(set) var impreciseEvents: [TypedObservation] = []
    /// Observations left out because of their status (preliminary, cancelled, …).
    public private(set) var unusableStatusCount = 0
    /// Session attributes recorded on a day without a TACE session (not attached to any session).
    public private(set) var unattachedSessionAttributes: [TypedObservation] = []
    /// The last day the timeline covers, when it was cut with `asOf`.
    public private(set) var asOfDay: ClinicalDay?

    /// The concepts a timeline reads; callers holding many patients may keep only these.
    public static let concepts: Set<Concept> = [
        .tace, .taceSelectivity, .taceAdequacy, .taceAgentChanged, .taceFeedingArteryReanalysed, .treatmentIntent,
        .untreatableProgression, .resection, .ablation, .liverTransplant, .systemicTherapy, .haic, .radioembolization,
        .radiotherapy, .mrecistResponse, .mrecistTargetResponse, .viableTumorPercent, .tumorCount, .newIntrahepaticLesions,
        .portalVeinInvasion, .hepaticVeinInvasion, .extrahepaticSpread, .largestTumorDiameter, .afp, .dcp, .afpL3,
        .albumin, .bilirubinTotal, .inr, .prothrombinTimeProlongation, .ascites, .encephalopathy, .ast, .crp, .ecog,
        .bclcStage,
    ]

    /// The concepts whose day matters to the refractoriness rules (laboratory values for scores are not among them).
    static let courseConcepts: Set<Concept> = [
        .tace, .taceSelectivity, .taceAdequacy, .taceAgentChanged, .taceFeedingArteryReanalysed, .treatmentIntent,
        .untreatableProgression, .resection, .ablation, .liverTransplant, .systemicTherapy, .haic, .radioembolization,
        .radiotherapy, .mrecistResponse, .mrecistTargetResponse, .viableTumorPercent, .tumorCount, .newIntrahepaticLesions,
        .portalVeinInvasion, .hepaticVeinInvasion, .extrahepaticSpread, .largestTumorDiameter, .afp, .dcp, .afpL3,
    ]

    /// The first day of an imprecise event's period (the month's or year's first day).
    public static func periodStart(_ o: TypedObservation) -> ClinicalDay? { o.effective.map(ClinicalDay.init) }

    public init(observations input: [TypedObservation]) {
        var dated: [(day: ClinicalDay, order: Int, o: TypedObservation)] = []
        for (i, o) in input.enumerated() {
            let isEvent = o.value == .event
            if isEvent {
                if o.status == .cancelled || o.status == .enteredInError { unusableStatusCount += 1; continue }
            } else if !o.status.isUsableForScoring {
                unusableStatusCount += 1
                continue
            }
            guard let t = o.effective else { undatedCount += 1; continue }
            if t.precision < .day {
                if Self.courseConcepts.contains(o.concept) { impreciseEvents.append(o) }
                continue
            }
            dated.append((ClinicalDay(t), i, o))
        }
        dated.sort { ($0.day, $0.order) < ($1.day, $1.order) }
        observations = dated.map(\.o)

        var sessionIndex: [ClinicalDay: Int] = [:]
        var studyIndex: [ClinicalDay: Int] = [:]
        var attributes: [(ClinicalDay, TypedObservation)] = []
        var markerByDay: [MarkerAnalyte: [ClinicalDay: MarkerSample]] = [:]
        for (day, _, o) in dated {
            switch o.concept {
            case .tace:
                guard o.value == .event || o.value.notCompletedProcedureStatus != nil else { continue }
                if let i = sessionIndex[day] { sessions[i].procedures.append(o) } else {
                    sessionIndex[day] = sessions.count
                    sessions.append(TACESession(day: day, procedures: [o]))
                }
            case .taceSelectivity, .taceAdequacy, .taceAgentChanged, .taceFeedingArteryReanalysed:
                attributes.append((day, o))
            case .treatmentIntent:
                if let code = o.value.code, let v = TreatmentIntent(rawValue: code) {
                    intents.append(DatedRecord(day: day, value: v, observation: o))
                    attributes.append((day, o))
                }
            case .untreatableProgression:
                if let code = o.value.code, code == "present" || code == "absent" {
                    untreatableProgression.append(DatedRecord(day: day, value: code == "present", observation: o))
                }
            case .ecog:
                if let code = o.value.code, let v = Int(code), (0...4).contains(v) { ecog.append(DatedRecord(day: day, value: v, observation: o)) }
            case .bclcStage:
                if let code = o.value.code, ["0", "A", "B", "C", "D"].contains(code) {
                    bclcStage.append(DatedRecord(day: day, value: code, observation: o))
                }
            case .resection, .ablation, .liverTransplant, .systemicTherapy, .haic, .radioembolization, .radiotherapy:
                guard o.value == .event else { continue }
                otherTreatments.append(OtherTreatment(concept: o.concept, day: day, observation: o))
            case .afp, .dcp, .afpL3:
                guard let m = o.value.measurement, m.unit == o.concept.canonicalUnit, m.value.isFinite, m.value >= 0,
                      let analyte = MarkerAnalyte.allCases.first(where: { $0.concept == o.concept }) else { continue }
                let sample = MarkerSample(analyte: analyte, day: day, value: m, observation: o)
                if let existing = markerByDay[analyte]?[day], !Self.supersedes(o, existing.observation) { continue }
                markerByDay[analyte, default: [:]][day] = sample
            case .mrecistResponse, .mrecistTargetResponse, .viableTumorPercent, .tumorCount, .newIntrahepaticLesions,
                 .portalVeinInvasion, .hepaticVeinInvasion, .extrahepaticSpread, .largestTumorDiameter:
                let i: Int
                if let existing = studyIndex[day] { i = existing } else {
                    i = assessments.count
                    studyIndex[day] = i
                    assessments.append(ResponseAssessment(day: day))
                }
                Self.add(o, to: &assessments[i])
            default:
                continue
            }
        }
        for i in sessions.indices {
            // A day with a completed TACE record is a session performed (a stopped attempt and a completed one on one
            // day: the TACE was done); a day with only stopped / not-done records is an attempt not completed.
            let completed = sessions[i].procedures.filter { $0.value == .event }
            if completed.isEmpty, let first = sessions[i].procedures.first, let status = first.value.notCompletedProcedureStatus {
                sessions[i].notCompleted = Recorded(status, first)
            } else {
                sessions[i].procedures = completed
            }
        }
        for (analyte, byDay) in markerByDay {
            markers[analyte] = byDay.values.sorted { $0.day < $1.day }
        }
        for (day, o) in attributes {
            guard let i = sessionIndex[day] else {
                if o.concept != .treatmentIntent { unattachedSessionAttributes.append(o) }
                continue
            }
            Self.attach(o, to: &sessions[i])
        }
    }

    /// The sessions in which TACE was performed (attempts not completed left out): TACE-1/TACE-2 for ART and
    /// ABCR, and the count of prior sessions.
    public var performedSessions: [TACESession] { sessions.filter(\.isPerformed) }

    /// The timeline as it stood at the end of `day`: nothing dated later is seen.
    public func asOf(_ day: ClinicalDay) -> PatientTimeline {
        var t = self
        t.sessions = sessions.filter { $0.day <= day }
        t.assessments = assessments.filter { $0.day <= day }
        t.markers = markers.mapValues { $0.filter { $0.day <= day } }
        t.otherTreatments = otherTreatments.filter { $0.day <= day }
        t.intents = intents.filter { $0.day <= day }
        t.untreatableProgression = untreatableProgression.filter { $0.day <= day }
        t.ecog = ecog.filter { $0.day <= day }
        t.bclcStage = bclcStage.filter { $0.day <= day }
        t.observations = observations.filter { $0.effective.map { ClinicalDay($0) <= day } ?? false }
        t.unattachedSessionAttributes = unattachedSessionAttributes.filter { $0.effective.map { ClinicalDay($0) <= day } ?? false }
        t.impreciseEvents = impreciseEvents.filter { Self.periodStart($0).map { $0 <= day } ?? false }
        t.asOfDay = day
        return t
    }

    /// The last day with any event (sessions, studies, markers, treatments, records).
    public var lastEventDay: ClinicalDay? {
        observations.last.flatMap { $0.effective.map(ClinicalDay.init) }
    }

    // MARK: building

    /// On one day, corrected/amended outrank final; among equals the later record wins.
    static func supersedes(_ new: TypedObservation, _ old: TypedObservation) -> Bool {
        rank(new.status) >= rank(old.status)
    }

    static func rank(_ s: ObservationStatus) -> Int {
        switch s {
        case .corrected, .amended: return 2
        case .final: return 1
        default: return 0
        }
    }

    static func keep<V>(_ current: Recorded<V>?, _ new: Recorded<V>) -> Recorded<V> {
        guard let current else { return new }
        return supersedes(new.observation, current.observation) ? new : current
    }

    /// Values that may legitimately occur several times on one study (one per lesion): all values of the
    /// highest status rank are kept, so a corrected/amended result replaces the final ones of the same kind
    /// on that study instead of counting as another lesion.
    static func merge<V>(_ list: inout [Recorded<V>], _ new: Recorded<V>) {
        let r = rank(new.observation.status)
        let best = list.map { rank($0.observation.status) }.max() ?? r
        if r < best { return }
        if r > best { list.removeAll() }
        list.append(new)
    }

    static func add(_ o: TypedObservation, to a: inout ResponseAssessment) {
        a.observations.append(o)
        switch o.concept {
        case .mrecistTargetResponse:
            if let c = o.value.code.flatMap(MRECISTCategory.init(rawValue:)) { merge(&a.targetResponses, Recorded(c, o)) }
        case .mrecistResponse:
            if let c = o.value.code.flatMap(MRECISTCategory.init(rawValue:)) { merge(&a.overallResponses, Recorded(c, o)) }
        case .viableTumorPercent:
            if let m = usableQuantity(o) { merge(&a.viablePercents, Recorded(m, o)) }
        case .tumorCount:
            if let m = usableQuantity(o) { a.tumorCount = keep(a.tumorCount, Recorded(m, o)) }
        case .newIntrahepaticLesions:
            if let m = usableQuantity(o) { a.newIntrahepaticLesions = keep(a.newIntrahepaticLesions, Recorded(m, o)) }
        case .largestTumorDiameter:
            if let m = usableQuantity(o) {
                // The largest lesion measured on the study.
                if let current = a.largestDiameter, current.value.value >= m.value { break }
                a.largestDiameter = Recorded(m, o)
            }
        case .portalVeinInvasion:
            if let g = grade(o.value.code, prefix: "Vp", max: 4) { a.portalVeinGrade = keep(a.portalVeinGrade, Recorded(g, o)) }
        case .hepaticVeinInvasion:
            if let g = grade(o.value.code, prefix: "Vv", max: 3) { a.hepaticVeinGrade = keep(a.hepaticVeinGrade, Recorded(g, o)) }
        case .extrahepaticSpread:
            if let code = o.value.code, code == "present" || code == "absent" {
                a.extrahepaticSpread = keep(a.extrahepaticSpread, Recorded(code == "present", o))
            }
        default:
            break
        }
    }

    static func usableQuantity(_ o: TypedObservation) -> Measurement? {
        guard let m = o.value.measurement, m.unit == o.concept.canonicalUnit, m.value.isFinite, m.value >= 0 else { return nil }
        return m
    }

    static func grade(_ code: String?, prefix: String, max: Int) -> Int? {
        guard let code, code.hasPrefix(prefix), let g = Int(code.dropFirst(prefix.count)), (0...max).contains(g) else { return nil }
        return g
    }

    static func attach(_ o: TypedObservation, to s: inout TACESession) {
        guard let code = o.value.code else { return }
        switch o.concept {
        case .taceSelectivity:
            if let v = TACESelectivity(rawValue: code) { s.selectivity = keep(s.selectivity, Recorded(v, o)) }
        case .taceAdequacy:
            if code == "adequate" || code == "inadequate" { s.adequate = keep(s.adequate, Recorded(code == "adequate", o)) }
        case .taceAgentChanged:
            if code == "yes" || code == "no" { s.agentChanged = keep(s.agentChanged, Recorded(code == "yes", o)) }
        case .taceFeedingArteryReanalysed:
            if code == "yes" || code == "no" { s.feedingArteryReanalysed = keep(s.feedingArteryReanalysed, Recorded(code == "yes", o)) }
        case .treatmentIntent:
            if let v = TreatmentIntent(rawValue: code) { s.intent = keep(s.intent, Recorded(v, o)) }
        default:
            break
        }
    }
}
