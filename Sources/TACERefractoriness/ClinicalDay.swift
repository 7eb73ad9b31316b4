import TACEModel

/// A calendar day as the source stated it (the local date of a `ClinicalTime`, in its own UTC offset).
///
/// Every refractoriness rule counts whole days ("28 to 92 days after the session", "within 183 days"),
/// so a CT read at 23:30 and one at 08:00 the next morning are one day apart whatever the time zones.
public struct ClinicalDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (proleptic Gregorian).
    public var dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init(year: Int, month: Int, day: Int) {
        dayNumber = ClinicalTimeFormat.daysFromCivil(year: year, month: month, day: day)
    }

    /// The local calendar date of `time` (its own offset applied; none = UTC). Partial dates
    /// (`2025`, `2025-03`) give the first day of their period.
    public init(_ time: ClinicalTime) {
        let local = time.epochSeconds + Double(time.utcOffsetSeconds ?? 0)
        dayNumber = Int((local / 86_400).rounded(.down))
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else.
    public init?(iso text: String) {
        guard let t = ClinicalTimeFormat.parse(Array(text.utf8), strictFHIR: true), t.precision == .day else { return nil }
        self.init(t)
    }

    public func adding(days: Int) -> ClinicalDay { ClinicalDay(dayNumber: dayNumber + days) }

    /// Whole days from `earlier` to `self` (positive when `self` is later).
    public func days(since earlier: ClinicalDay) -> Int { dayNumber - earlier.dayNumber }

    /// The day as a date-precision `ClinicalTime` without offset (a calendar day, as `--as-of` gives it).
    public var clinicalTime: ClinicalTime {
        let (y, m, d) = ClinicalTimeFormat.civilFromDays(dayNumber)
        return ClinicalTime(year: y, month: m, day: d, utcOffsetSeconds: nil, precision: .day)
    }

    /// `YYYY-MM-DD`.
    public var description: String { clinicalTime.fhirDateTime }

    public static func < (a: ClinicalDay, b: ClinicalDay) -> Bool { a.dayNumber < b.dayNumber }
}
