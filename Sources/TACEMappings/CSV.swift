/// A minimal RFC 4180 reader for the mapping tables, working on UTF-8 bytes.
///
/// Beyond RFC 4180 it accepts what hand-edited tables contain: LF or CRLF line ends,
/// a UTF-8 byte-order mark, blank lines and `#` comment lines (a `#` as the first byte
/// of a record; inside a quoted field it is data). Fields are trimmed of surrounding
/// spaces and tabs, so `1834-1 , afp` reads as `1834-1` and `afp`.
struct CSVRecord {
    /// 1-based physical line on which the record starts.
    var line: Int
    var fields: [String]
}

struct CSVSyntaxError: Error {
    var line: Int
    var reason: String
}

enum CSV {
    static func parse(_ text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        let bytes = Array(text.utf8)
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, hash: UInt8 = 0x23
        var records: [CSVRecord] = []
        var i = 0
        var line = 1
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }

        while i < bytes.count {
            let recordLine = line
            // Comment line: skip to the end of the line.
            if bytes[i] == hash {
                while i < bytes.count, bytes[i] != lf { i += 1 }
                i += 1
                line += 1
                continue
            }
            var fields: [String] = []
            var field: [UInt8] = []
            var wasQuoted = false
            var endOfRecord = false
            while !endOfRecord {
                if i >= bytes.count { endOfRecord = true; break }
                let b = bytes[i]
                if b == quote && isBlank(field) && !wasQuoted {
                    // Quoted field: read until the closing quote, `""` is an escaped quote.
                    let openedOn = line
                    field.removeAll()
                    wasQuoted = true
                    i += 1
                    var closed = false
                    while i < bytes.count {
                        let c = bytes[i]
                        if c == quote {
                            if i + 1 < bytes.count, bytes[i + 1] == quote {
                                field.append(quote)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if c == lf { line += 1 }
                        field.append(c)
                        i += 1
                    }
                    guard closed else {
                        throw CSVSyntaxError(line: openedOn, reason: "unterminated quoted field (opened on line \(openedOn))")
                    }
                    // Only blanks may follow the closing quote before the separator.
                    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                    if i < bytes.count, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr {
                        throw CSVSyntaxError(line: line, reason: "unexpected text after a closing quote")
                    }
                    continue
                }
                switch b {
                case comma:
                    fields.append(finish(field, quoted: wasQuoted))
                    field.removeAll()
                    wasQuoted = false
                    i += 1
                case lf:
                    i += 1
                    line += 1
                    endOfRecord = true
                case cr where i + 1 < bytes.count && bytes[i + 1] == lf:
                    i += 2
                    line += 1
                    endOfRecord = true
                default:
                    if wasQuoted { throw CSVSyntaxError(line: line, reason: "unexpected text after a closing quote") }
                    field.append(b)
                    i += 1
                }
            }
            fields.append(finish(field, quoted: wasQuoted))
            // A line holding only blanks is not a record.
            if fields.count == 1 && !wasQuoted && fields[0].isEmpty { continue }
            records.append(CSVRecord(line: recordLine, fields: fields))
        }
        return records
    }

    private static func isBlank(_ field: [UInt8]) -> Bool {
        field.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// Surrounding blanks are never meaningful in these tables, quoted or not.
    private static func finish(_ field: [UInt8], quoted: Bool) -> String {
        var lo = 0, hi = field.count
        while lo < hi, field[lo] == 0x20 || field[lo] == 0x09 || field[lo] == 0x0D { lo += 1 }
        while hi > lo, field[hi - 1] == 0x20 || field[hi - 1] == 0x09 || field[hi - 1] == 0x0D { hi -= 1 }
        return String(decoding: field[lo..<hi], as: UTF8.self)
    }
}
