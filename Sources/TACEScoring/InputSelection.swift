import TACEModel

/// Why no usable value was selected for a concept.
public enum SelectionGap: Sendable, Equatable {
    /// Nothing of this concept for the patient.
    case noObservation
    /// Only results whose status may not be scored (e.g. preliminary); distinct statuses in input order.
    case onlyUnusableStatus([ObservationStatus])
    /// The latest usable one is older than the lookback.
    case stale(latest: ClinicalTime, lookbackDays: Double)
    /// All usable ones are after the index date.
    case onlyAfterIndex(earliest: ClinicalTime)
    /// Usable ones carry no effective time.
    case noEffectiveTime
    /// Any other reason, stated in words (pair too far apart, text instead of a quantity, censored and ambiguous, …).
    case notUsable(String)

    /// Plain-language reason for rationales (dates are clinical content, not for logs).
    public var explanation: String {
        switch self {
        case .noObservation: return "no observation"
        case .onlyUnusableStatus(let s):
            return "only results with status " + s.map(\.rawValue).joined(separator: ", ") + " (final, amended or corrected required)"
        case .stale(let latest, let days):
            return "latest usable result \(latest.localText) is outside the \(NumberText.exact(days))-day lookback"
        case .onlyAfterIndex(let earliest):
            return "only results after the index date (earliest \(earliest.localText))"
        case .noEffectiveTime: return "usable results carry no effective time"
        case .notUsable(let why): return why
        }
    }
}

public struct SelectedInput: Sendable {
    public var concept: Concept
    public var observation: TypedObservation?
    public var gap: SelectionGap?

    public init(concept: Concept, observation: TypedObservation?, gap: SelectionGap?) {
        self.concept = concept
        self.observation = observation
        self.gap = gap
    }
}

public enum InputSelection {
    /// Lookback in days for a concept: imaging concepts use `ptace.imagingLookbackDays`,
    /// laboratory and clinical ones `ptace.labLookbackDays`.
    public static func lookbackDays(for concept: Concept, configuration: ScoringConfiguration) -> Double {
        concept.kind == .imaging ? configuration.imagingLookbackDays : configuration.labLookbackDays
    }

    /// The last instant that still counts as "at the index date". An index given with day
    /// (or coarser) precision — a TACE dated `2025-01-10`, `--as-of 2025-01-10` — stands for the
    /// whole stated period, so same-day pre-procedure labs are not excluded as "after index".
    /// Exact-time indexes are used as given.
    public static func windowEnd(of index: ClinicalTime) -> Double {
        let offset = Double(index.utcOffsetSeconds ?? 0)
        let local = index.epochSeconds + offset
        let day = Int((local / 86_400).rounded(.down))
        let (y, m, _) = ClinicalTimeFormat.civilFromDays(day)
        let nextStartDay: Int
        switch index.precision {
        case .day: nextStartDay = day + 1
        case .month: nextStartDay = m == 12 ? ClinicalTimeFormat.daysFromCivil(year: y + 1, month: 1, day: 1)
                                            : ClinicalTimeFormat.daysFromCivil(year: y, month: m + 1, day: 1)
        case .year: nextStartDay = ClinicalTimeFormat.daysFromCivil(year: y + 1, month: 1, day: 1)
        default: return index.epochSeconds
        }
        // Largest instant strictly before the next period starts.
        return (Double(nextStartDay) * 86_400 - offset).nextDown
    }

    /// Latest observation of `concept` with usable status and effective time in
    /// [index − lookback, index] (both ends inclusive; see `windowEnd` for date-only indexes).
    /// Ties on time prefer corrected/amended over final, then the later one in input order.
    /// Observations whose value cannot be scored (text for a quantity concept, a code outside the
    /// concept's canonical list, a non-canonical unit, a non-finite number) are passed over.
    public static func select(_ concept: Concept, from observations: [TypedObservation], index: ClinicalTime,
                              configuration: ScoringConfiguration) -> SelectedInput {
        func gap(_ g: SelectionGap) -> SelectedInput { SelectedInput(concept: concept, observation: nil, gap: g) }

        let ofConcept = observations.enumerated().filter { $0.element.concept == concept }
        guard !ofConcept.isEmpty else { return gap(.noObservation) }

        let usable = ofConcept.filter { $0.element.status.isUsableForScoring }
        guard !usable.isEmpty else {
            var statuses: [ObservationStatus] = []
            for o in ofConcept where !statuses.contains(o.element.status) { statuses.append(o.element.status) }
            return gap(.onlyUnusableStatus(statuses))
        }

        let timed = usable.filter { $0.element.effective != nil }
        guard !timed.isEmpty else { return gap(.noEffectiveTime) }

        let scorable = timed.filter { valueProblem($0.element) == nil }
        guard !scorable.isEmpty else {
            // Report the problem of the most recent result (later in input order on equal times).
            let latest = timed.max { $0.element.effective!.epochSeconds <= $1.element.effective!.epochSeconds }!
            return gap(.notUsable(valueProblem(latest.element)!))
        }

        let lookback = lookbackDays(for: concept, configuration: configuration)
        let end = windowEnd(of: index)
        let start = index.epochSeconds - lookback * 86_400
        // A date without a zone (`--as-of 2025-01-05`, a TACE dated 2025-01-10) is a calendar day: each result is
        // judged by its own local date, so a lab at 2025-01-06T07:40+08:00 is after it wherever the zone is.
        let localDay = index.precision <= .day && index.utcOffsetSeconds == nil
        func local(_ t: ClinicalTime) -> Double { t.epochSeconds + Double(t.utcOffsetSeconds ?? 0) }
        func inWindow(_ t: ClinicalTime) -> Bool {
            localDay ? (local(t) >= start && local(t) <= end) : (t.epochSeconds >= start && t.epochSeconds <= end)
        }
        var best: (offset: Int, element: TypedObservation)?
        for candidate in scorable {
            let t = candidate.element.effective!.epochSeconds
            guard inWindow(candidate.element.effective!) else { continue }
            if let b = best {
                let bt = b.element.effective!.epochSeconds
                if t > bt || (t == bt && betterAtSameTime(candidate.element, than: b.element)) {
                    best = candidate
                }
            } else {
                best = candidate
            }
        }
        if let b = best { return SelectedInput(concept: concept, observation: b.element, gap: nil) }

        let before = scorable.filter { localDay ? local($0.element.effective!) < start : $0.element.effective!.epochSeconds < start }
        if let latest = before.map({ $0.element.effective! }).max() {
            return gap(.stale(latest: latest, lookbackDays: lookback))
        }
        let earliest = scorable.map { $0.element.effective! }.min()!
        return gap(.onlyAfterIndex(earliest: earliest))
    }

    /// At the same time: for the largest tumor diameter, the largest lesion measured on that study;
    /// otherwise corrected/amended outrank final, then the later in input order.
    static func betterAtSameTime(_ a: TypedObservation, than b: TypedObservation) -> Bool {
        if a.concept == .largestTumorDiameter, let x = a.value.measurement?.value, let y = b.value.measurement?.value, x != y {
            return x > y
        }
        return statusRank(a.status) >= statusRank(b.status)
    }

    /// corrected/amended outrank final on equal times.
    static func statusRank(_ s: ObservationStatus) -> Int {
        switch s {
        case .corrected, .amended: return 2
        case .final: return 1
        default: return 0
        }
    }

    /// Why an observation's value cannot be scored for its concept, or `nil` if it can.
    static func valueProblem(_ o: TypedObservation) -> String? {
        switch o.concept.valueKind {
        case .quantity(let unit):
            switch o.value {
            case .quantity(let m):
                if m.unit != unit { return "\(o.concept.rawValue) value is in \(m.unit.rawValue), not the canonical \(unit.rawValue)" }
                if !m.value.isFinite { return "\(o.concept.rawValue) value is not a finite number" }
                // Every quantity concept is a concentration, size, count, ratio or time: none can be negative,
                // and a zero cannot be scored where a logarithm or a ratio is taken (bilirubin, albumin).
                if m.value < 0 || (m.value == 0 && m.comparator == .equal && (o.concept == .bilirubinTotal || o.concept == .albumin)) {
                    return "\(o.concept.rawValue) value is not plausible (must be positive)"
                }
                return nil
            case .text: return "\(o.concept.rawValue) value is text, not a quantity in \(unit.displayText)"
            case .coded: return "\(o.concept.rawValue) value is a code, not a quantity in \(unit.displayText)"
            case .event: return "\(o.concept.rawValue) carries no value"
            }
        case .coded(let allowed):
            if case .coded(let c) = o.value {
                return allowed.contains(c) ? nil : "\(o.concept.rawValue) code '\(c)' is not one of " + allowed.joined(separator: ", ")
            }
            return "\(o.concept.rawValue) value is not one of the codes " + allowed.joined(separator: ", ")
        case .event:
            return nil
        }
    }
}

public enum IndexDateSource: String, Sendable {
    case asOf = "as-of"
    case firstTACE = "first-tace"
    case runTime = "run-time"

    var phrase: String {
        switch self {
        case .asOf: return "as-of date"
        case .firstTACE: return "first TACE"
        case .runTime: return "run time"
        }
    }
}

public struct IndexDate: Sendable {
    public var time: ClinicalTime
    public var source: IndexDateSource
    public init(time: ClinicalTime, source: IndexDateSource) {
        self.time = time
        self.source = source
    }
}

/// `asOf` if given, else the earliest TACE procedure (concept `.tace`, value `.event`) with an effective time,
/// else the run time. A TACE record not completed (value `.coded("stopped" | "not-done")`, kept for the
/// refractoriness timeline) is no TACE and never the index; ones marked cancelled or entered-in-error are ignored too.
public func resolveIndexDate(asOf: ClinicalTime?, observations: [TypedObservation], runTime: ClinicalTime) -> IndexDate {
    if let asOf { return IndexDate(time: asOf, source: .asOf) }
    var first: ClinicalTime?
    for o in observations where o.concept == .tace && o.value == .event && o.status != .enteredInError && o.status != .cancelled {
        guard let t = o.effective else { continue }
        if first == nil || t < first! { first = t }
    }
    if let first { return IndexDate(time: first, source: .firstTACE) }
    return IndexDate(time: runTime, source: .runTime)
}
