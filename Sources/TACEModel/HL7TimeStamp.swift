/// The HL7 time stamp both HL7 v2 (DTM, and the first component of TS) and HL7 v3 / CDA (`TS`,
/// ISO 8601 basic form) write: `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`. One parser for
/// both readers, which may not import each other.
///
/// A time without an offset keeps a nil offset (the sender's local time, unknown zone): TACEBridge
/// never invents one. An hour without minutes is read at minute precision (the model has no hour
/// precision); an offset on a date-only value is accepted and kept.
public enum HL7TimeStamp {
    public static func parse(_ text: String) -> ClinicalTime? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// Parses the UTF-8 bytes of a DTM (as `parse(_:)` on their text).
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ClinicalTime? {
        var end = b.count
        var offset: Int? = nil
        // Offset: the last '+' or '-' (a DTM has no other sign).
        if let signIndex = b.lastIndex(where: { $0 == 0x2B || $0 == 0x2D }) {
            let zone = UnsafeBufferPointer(rebasing: b[(signIndex + 1)...])
            guard zone.count == 4, zone.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            let hh = Int(zone[0] - 48) * 10 + Int(zone[1] - 48)
            let mm = Int(zone[2] - 48) * 10 + Int(zone[3] - 48)
            guard hh <= 14, mm < 60 else { return nil }
            offset = (b[signIndex] == 0x2D ? -1 : 1) * (hh * 3600 + mm * 60)
            end = signIndex
        }
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= end else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        guard let year = digits(4) else { return nil }
        if i == end { return ClinicalTime(year: year, utcOffsetSeconds: offset, precision: .year) }
        guard let month = digits(2), (1...12).contains(month) else { return nil }
        if i == end { return ClinicalTime(year: year, month: month, utcOffsetSeconds: offset, precision: .month) }
        guard let day = digits(2), day >= 1, day <= daysInMonth(year, month) else { return nil }
        if i == end { return ClinicalTime(year: year, month: month, day: day, utcOffsetSeconds: offset, precision: .day) }
        guard let hour = digits(2), hour < 24 else { return nil }
        var minute = 0
        if i < end {
            guard let m = digits(2), m < 60 else { return nil }
            minute = m
        }
        var second = 0.0
        var precision = ClinicalTime.Precision.minute
        if i < end {
            guard let s = digits(2), s < 60 else { return nil }
            second = Double(s)
            precision = .second
            if i < end {
                guard b[i] == 0x2E else { return nil }
                i += 1
                var scale = 0.1
                let start = i
                while i < end, b[i] >= 0x30, b[i] <= 0x39, i - start < 4 {
                    second += Double(b[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
                precision = .fraction
            }
        }
        guard i == end else { return nil }
        return ClinicalTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                            utcOffsetSeconds: offset, precision: precision)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
