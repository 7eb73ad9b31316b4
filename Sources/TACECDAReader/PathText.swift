/// XPath-like locations (`…/entry[2]/organizer/component[3]/observation (line 812)`), built in one
/// allocation of the right size: a document has a location per clinical statement, and building
/// them piece by piece (string interpolation, `+`) grew and copied each one several times.
enum PathText {
    /// `path/segment/name`, or `path/segment[position]/name` when `position` is given (1-based).
    static func child(_ path: String, _ segment: StaticString, position: Int?, _ name: StaticString) -> String {
        var path = path
        return path.withUTF8 { base in
            segment.withUTF8Buffer { segment in
                name.withUTF8Buffer { name in
                    let digits = position.map(decimalDigits) ?? 0
                    let count = base.count + 1 + segment.count + (position == nil ? 0 : digits + 2) + 1 + name.count
                    return String(unsafeUninitializedCapacity: count) { out in
                        var i = 0
                        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                            _ = UnsafeMutableBufferPointer(rebasing: out[i...]).initialize(fromContentsOf: bytes)
                            i += bytes.count
                        }
                        put(base)
                        out[i] = 0x2F; i += 1  // "/"
                        put(segment)
                        if let position {
                            out[i] = 0x5B; i += 1  // "["
                            writeDecimal(position, digits: digits, into: out, at: &i)
                            out[i] = 0x5D; i += 1  // "]"
                        }
                        out[i] = 0x2F; i += 1
                        put(name)
                        return i
                    }
                }
            }
        }
    }

    /// `path/name`.
    static func child(_ path: String, _ name: StaticString) -> String {
        var path = path
        return path.withUTF8 { base in
            name.withUTF8Buffer { name in
                String(unsafeUninitializedCapacity: base.count + 1 + name.count) { out in
                    _ = out.initialize(fromContentsOf: base)
                    out[base.count] = 0x2F
                    _ = UnsafeMutableBufferPointer(rebasing: out[(base.count + 1)...]).initialize(fromContentsOf: name)
                    return base.count + 1 + name.count
                }
            }
        }
    }

    /// `path (line n)`: a statement's location as reports show it.
    static func withLine(_ path: String, _ line: Int) -> String {
        var path = path
        return path.withUTF8 { base in
            let digits = decimalDigits(line)
            let count = base.count + 7 + digits + 1
            return String(unsafeUninitializedCapacity: count) { out in
                _ = out.initialize(fromContentsOf: base)
                var i = base.count
                for b in " (line ".utf8 { out[i] = b; i += 1 }
                writeDecimal(line, digits: digits, into: out, at: &i)
                out[i] = 0x29; i += 1  // ")"
                return i
            }
        }
    }

    /// How many characters `n` takes in decimal (with its sign).
    static func decimalDigits(_ n: Int) -> Int {
        if n < 0 { return String(n).utf8.count }
        var count = 1, rest = n / 10
        while rest > 0 { count += 1; rest /= 10 }
        return count
    }

    static func writeDecimal(_ n: Int, digits: Int, into out: UnsafeMutableBufferPointer<UInt8>, at i: inout Int) {
        if n < 0 {
            for b in String(n).utf8 { out[i] = b; i += 1 }
            return
        }
        var rest = n
        for k in stride(from: digits - 1, through: 0, by: -1) {
            out[i + k] = UInt8(0x30 + rest % 10)
            rest /= 10
        }
        i += digits
    }
}
