/// A point in clinical time as the source stated it: the instant used for ordering
/// and windows, plus the original UTC offset and precision so output can echo it.
///
/// Dates without a time (`2025-01-10`) are placed at 00:00 UTC of that day; partial
/// dates (`2025`, `2025-01`) at the start of the period. `precision` says which.
public struct ClinicalTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Precision: Int, Sendable, Hashable, Comparable {
        case year, month, day, minute, second, fraction
        public static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Double
    /// Offset from UTC in seconds as written in the source, `nil` if none was given.
    public var utcOffsetSeconds: Int?
    public var precision: Precision

    public init(epochSeconds: Double, utcOffsetSeconds: Int?, precision: Precision) {
        self.epochSeconds = epochSeconds
        self.utcOffsetSeconds = utcOffsetSeconds
        self.precision = precision
    }

    public static func < (a: ClinicalTime, b: ClinicalTime) -> Bool { a.epochSeconds < b.epochSeconds }
    public static func == (a: ClinicalTime, b: ClinicalTime) -> Bool {
        a.epochSeconds == b.epochSeconds && a.utcOffsetSeconds == b.utcOffsetSeconds && a.precision == b.precision
    }
    public func hash(into h: inout Hasher) { h.combine(epochSeconds) }

    /// Days from `self` to `later` (positive when `later` is after `self`).
    public func days(until later: ClinicalTime) -> Double { (later.epochSeconds - epochSeconds) / 86_400 }

    public func adding(days: Double) -> ClinicalTime {
        ClinicalTime(epochSeconds: epochSeconds + days * 86_400, utcOffsetSeconds: utcOffsetSeconds, precision: precision)
    }

    /// FHIR `dateTime` text in the original offset and precision. FHIR requires a zone on every
    /// time of day, and a source without an offset (HL7 v2 `20250310074500`) does not say which
    /// zone it meant: such a time is written as its local **date only** rather than with an
    /// invented `Z` (the full local time is in `localText`, which writers carry in an extension).
    public var fhirDateTime: String {
        if utcOffsetSeconds == nil && precision > .day {
            var date = self
            date.precision = .day
            return ClinicalTimeFormat.format(date)
        }
        return ClinicalTimeFormat.format(self)
    }

    /// True when `fhirDateTime` had to drop a time of day because the source gave no UTC offset.
    public var lacksOffsetForFHIR: Bool { utcOffsetSeconds == nil && precision > .day }

    /// The time as the source wrote it, for texts: the offset when one was given, no zone
    /// designator at all when none was (`2025-03-10T07:45:00`), never an invented `Z`.
    public var localText: String { ClinicalTimeFormat.format(self, zoneless: utcOffsetSeconds == nil) }

    public var description: String { localText }

    /// Parses FHIR `date`, `dateTime` and `instant` text (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
    /// `YYYY-MM-DDThh:mm:ss[.f+](Z|(+|-)hh:mm)`). A time must carry seconds and a zone, as FHIR
    /// requires: TACEBridge never invents an offset. Returns `nil` for anything else.
    public init?(fhir text: String) {
        var text = text
        guard let t = text.withUTF8({ ClinicalTimeFormat.parse($0, strictFHIR: true) }) else { return nil }
        self = t
    }

    /// Builds a time from calendar fields (proleptic Gregorian, UTC offset in seconds).
    public init(year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Double = 0,
                utcOffsetSeconds: Int? = nil, precision: Precision = .second) {
        let days = ClinicalTimeFormat.daysFromCivil(year: year, month: month, day: day)
        let local = Double(days) * 86_400 + Double(hour * 3600 + minute * 60) + second
        self.init(epochSeconds: local - Double(utcOffsetSeconds ?? 0), utcOffsetSeconds: utcOffsetSeconds, precision: precision)
    }
}

/// Calendar arithmetic and FHIR date-time text, without Foundation (the model is pure).
public enum ClinicalTimeFormat {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses ISO 8601 date-times. With `strictFHIR`, a time needs seconds and a zone; without it
    /// (for formats whose times may lack them) minutes-only times are accepted and a missing zone stays `nil`.
    public static func parse(_ b: [UInt8], strictFHIR: Bool = true) -> ClinicalTime? {
        b.withUnsafeBufferPointer { parse($0, strictFHIR: strictFHIR) }
    }

    /// `parse` on bytes borrowed from the input (no copy into an array).
    public static func parse(_ b: UnsafeBufferPointer<UInt8>, strictFHIR: Bool = true) -> ClinicalTime? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4) else { return nil }
        if i == b.count { return ClinicalTime(year: year, precision: .year) }
        guard expect(0x2D), let month = digits(2), (1...12).contains(month) else { return nil }
        if i == b.count { return ClinicalTime(year: year, month: month, precision: .month) }
        guard expect(0x2D), let day = digits(2), day >= 1, day <= daysInMonth(year, month) else { return nil }
        if i == b.count { return ClinicalTime(year: year, month: month, day: day, precision: .day) }
        guard expect(0x54), let hour = digits(2), hour < 24, expect(0x3A), let minute = digits(2), minute < 60 else { return nil }
        var second = 0.0
        var precision = ClinicalTime.Precision.minute
        if strictFHIR, !(i < b.count && b[i] == 0x3A) { return nil }
        if expect(0x3A) {
            guard let s = digits(2), s < 60 else { return nil }
            second = Double(s)
            precision = .second
            if expect(0x2E) {
                var scale = 0.1
                var any = false
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    second += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
                precision = .fraction
            }
        }
        var offset: Int? = nil
        if expect(0x5A) {
            offset = 0
        } else if i < b.count, b[i] == 0x2B || b[i] == 0x2D {
            let sign = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = digits(2), oh <= 14, expect(0x3A), let om = digits(2), om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard i == b.count else { return nil }
        if strictFHIR && offset == nil { return nil }
        return ClinicalTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                            utcOffsetSeconds: offset, precision: precision)
    }

    /// ISO 8601 text in the time's offset and precision; `zoneless` leaves out the zone designator
    /// (for a time whose source gave none).
    public static func format(_ t: ClinicalTime, zoneless: Bool = false) -> String {
        let offset = t.utcOffsetSeconds ?? 0
        let local = t.epochSeconds + Double(offset)
        var days = Int((local / 86_400).rounded(.down))
        var secs = local - Double(days) * 86_400
        if secs >= 86_400 { days += 1; secs -= 86_400 }
        let (y, m, d) = civilFromDays(days)
        let whole = Int(secs.rounded(.down))
        var millis = t.precision == .fraction ? Int(((secs - Double(whole)) * 1000).rounded()) : 0
        if millis >= 1000 { millis = 999 }
        return String(unsafeUninitializedCapacity: 32) { out in
            var j = 0
            func put(_ v: Int, _ width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                var value = v
                if value >= divisor * 10 { value %= divisor * 10 }  // years beyond 9999 are not FHIR dates
                while divisor > 0 {
                    out[j] = UInt8(48 + (value / divisor) % 10)
                    j += 1
                    divisor /= 10
                }
            }
            func ch(_ c: UInt8) { out[j] = c; j += 1 }
            put(max(y, 0), 4)
            if t.precision >= .month { ch(0x2D); put(m, 2) }
            if t.precision >= .day { ch(0x2D); put(d, 2) }
            if t.precision >= .minute {
                ch(0x54); put(whole / 3600, 2); ch(0x3A); put((whole / 60) % 60, 2); ch(0x3A); put(whole % 60, 2)
                if millis > 0 { ch(0x2E); put(millis, 3) }
                let o = t.utcOffsetSeconds ?? 0
                if zoneless {
                } else if o == 0 { ch(0x5A) } else {
                    let a = abs(o)
                    ch(o < 0 ? 0x2D : 0x2B); put(a / 3600, 2); ch(0x3A); put((a / 60) % 60, 2)
                }
            }
            return j
        }
    }
}
