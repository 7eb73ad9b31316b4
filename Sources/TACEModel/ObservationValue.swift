/// How a numeric result relates to the true value (FHIR `Quantity.comparator`).
public enum Comparator: String, Sendable, Hashable, CaseIterable {
    case equal = ""
    case lessThan = "<"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case greaterThan = ">"
}

/// A quantity in a concept's canonical unit.
public struct Measurement: Sendable, Hashable {
    public var value: Double
    public var comparator: Comparator
    public var unit: UCUMUnit

    public init(_ value: Double, _ unit: UCUMUnit, comparator: Comparator = .equal) {
        self.value = value
        self.unit = unit
        self.comparator = comparator
    }

    /// The set of true values this result allows: `[value, value]` for an exact
    /// result, a half-open interval for a censored one (`>60500` → (60500, +∞)).
    public var interval: ValueInterval {
        switch comparator {
        case .equal: return ValueInterval(lower: value, lowerClosed: true, upper: value, upperClosed: true)
        case .lessThan: return ValueInterval(lower: -.infinity, lowerClosed: false, upper: value, upperClosed: false)
        case .lessOrEqual: return ValueInterval(lower: -.infinity, lowerClosed: false, upper: value, upperClosed: true)
        case .greaterOrEqual: return ValueInterval(lower: value, lowerClosed: true, upper: .infinity, upperClosed: false)
        case .greaterThan: return ValueInterval(lower: value, lowerClosed: false, upper: .infinity, upperClosed: false)
        }
    }
}

/// An interval of real numbers with open or closed ends.
public struct ValueInterval: Sendable, Hashable {
    public var lower: Double
    public var lowerClosed: Bool
    public var upper: Double
    public var upperClosed: Bool
    public init(lower: Double, lowerClosed: Bool, upper: Double, upperClosed: Bool) {
        self.lower = lower
        self.lowerClosed = lowerClosed
        self.upper = upper
        self.upperClosed = upperClosed
    }
    public var isPoint: Bool { lower == upper && lowerClosed && upperClosed }
}

/// The value of a typed observation, after mapping.
public enum ObservationValue: Sendable, Hashable {
    /// A quantity already converted to the concept's canonical unit.
    case quantity(Measurement)
    /// A canonical coded answer of the concept (e.g. `type-3`, `PD`, `Vp2`).
    case coded(String)
    /// Free text (kept, never scored).
    case text(String)
    /// An event without a value (a procedure performed, a diagnosis). A TACE procedure that was begun and
    /// not completed, or not performed, is `.coded` with its `ProcedureStatus` (see `tace(_:)`).
    case event

    public var measurement: Measurement? {
        if case .quantity(let m) = self { return m }
        return nil
    }
    public var code: String? {
        if case .coded(let c) = self { return c }
        return nil
    }
}

extension ObservationValue {
    /// The value of a TACE procedure record (`tace-procedure`) that was not completed: `.coded("stopped")`
    /// (begun, then aborted) or `.coded("not-done")` (not performed), in FHIR `Procedure.status` codes.
    /// Such a record is no session, but it is kept: an aborted or omitted session breaks a chain of
    /// consecutive sessions (clinical reference §4.2), so it must not vanish. A completed procedure is `.event`.
    /// Any other status gives `.event` for `completed` and `nil` otherwise (not a record to keep).
    public static func tace(_ status: ProcedureStatus) -> ObservationValue? {
        if status == .completed { return .event }
        return ProcedureStatus.notCompleted.contains(status) ? .coded(status.rawValue) : nil
    }

    /// For a TACE procedure record: `stopped` or `not-done` when it was not completed, else `nil`.
    public var notCompletedProcedureStatus: ProcedureStatus? {
        guard let c = code, let s = ProcedureStatus(rawValue: c), ProcedureStatus.notCompleted.contains(s) else { return nil }
        return s
    }
}
