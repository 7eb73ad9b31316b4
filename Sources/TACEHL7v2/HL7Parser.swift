/// Parses HL7 v2 ER7 ("pipe and hat") bytes into messages.
///
/// What is accepted:
/// - delimiters from MSH-1 / MSH-2 of each message (any printable, non
///   alphanumeric ASCII; four encoding characters, or five with the v2.7+
///   truncation character); FHS / BHS declare their own;
/// - segment terminators CR, LF or CRLF, mixed freely, and blank lines
///   (empty or only spaces and tabs) between segments;
/// - a UTF-8 byte-order mark at the start of the input, of an MLLP frame, or
///   of any line (files concatenated with their BOMs);
/// - several messages in one input, each starting at an MSH;
/// - batch envelopes FHS / BHS ... BTS / FTS, including an empty batch with
///   no message (it parses to zero messages and its envelope segments);
/// - MLLP framing (0x0B ... 0x1C 0x0D), several frames in one stream, when
///   the first non-blank byte is 0x0B.
///
/// What is refused, with an `HL7ParseError` giving the position: no MSH,
/// unusable delimiters (`MSH|&&&&|`), an MSH that ends before MSH-12, a line
/// that is not a segment (for example a segment wrapped onto the next line),
/// control bytes, a field, message or segment count above `HL7Limits`, and a
/// broken MLLP frame. The parser does not validate message structure or data
/// types: that belongs to the readers and to the acknowledgement logic.
///
/// The hot path scans bytes once, records one 32-bit offset per field and
/// one small record per segment, and never builds a `String`. Values are
/// decoded only when asked for (`HL7Value.string`).
public enum HL7Parser {
    /// Parses every message (and batch envelope) in `bytes`.
    public static func parse(_ bytes: [UInt8], limits: HL7Limits = .default) throws(HL7ParseError) -> HL7Interchange {
        try scan(bytes, limits: limits) { (scanner: inout ER7Scanner) throws(HL7ParseError) in try scanner.scanInput() }
    }

    /// Runs `body` over `bytes` and pairs the resulting index with the bytes.
    static func scan(
        _ bytes: [UInt8], limits: HL7Limits, _ body: (inout ER7Scanner) throws(HL7ParseError) -> Void
    ) throws(HL7ParseError) -> HL7Interchange {
        guard bytes.count < Int(UInt32.max) else {
            throw HL7ParseError(reason: .inputTooLarge, byteOffset: 0, line: 1, column: 1)
        }
        let result: Result<ScanResult, HL7ParseError> = bytes.withUnsafeBufferPointer { buffer in
            var scanner = ER7Scanner(buffer: buffer, limits: limits)
            do throws(HL7ParseError) {
                try body(&scanner)
                return .success(scanner.result())
            } catch {
                return .failure(error)
            }
        }
        let scan = try result.get()
        let storage = HL7Storage(bytes: bytes, segments: scan.segments, fieldStarts: scan.fieldStarts)
        let messages = scan.messages.enumerated().map { index, draft in
            HL7Message(storage: storage, segmentRange: draft.segments, delimiters: draft.delimiters, index: index + 1, quirks: draft.quirks)
        }
        let envelope = scan.envelope.map { HL7Segment(storage: storage, index: $0.segment, delimiters: $0.delimiters) }
        return HL7Interchange(messages: messages, envelope: envelope, isMLLPFramed: scan.framed)
    }

    /// Parses bytes that are only valid while the call runs; they are copied once.
    public static func parse(_ buffer: UnsafeRawBufferPointer, limits: HL7Limits = .default) throws(HL7ParseError) -> HL7Interchange {
        try parse(Array(buffer.bindMemory(to: UInt8.self)), limits: limits)
    }

    /// Parses input that must hold exactly one message (batch envelope
    /// segments around it are allowed and dropped).
    public static func parseMessage(_ bytes: [UInt8], limits: HL7Limits = .default) throws(HL7ParseError) -> HL7Message {
        let interchange = try parse(bytes, limits: limits)
        guard interchange.messages.count == 1 else {
            if interchange.messages.isEmpty {
                throw HL7ParseError(reason: .noMessageHeader, byteOffset: 0, line: 1, column: 1)
            }
            let second = interchange.messages[1]
            let offset = second.byteRange.lowerBound
            let (line, column) = lineAndColumn(bytes, offset: offset)
            throw HL7ParseError(
                reason: .multipleMessages(count: interchange.messages.count), messageIndex: 2,
                segmentIndex: 1, segmentID: "MSH", byteOffset: offset, line: line, column: column)
        }
        return interchange.messages[0]
    }

    /// 1-based line and column of `offset`; lines end at CR, LF or CRLF.
    static func lineAndColumn(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == ASCII.lf || b == ASCII.cr {
                if b == ASCII.cr, i + 1 < bytes.count, bytes[i + 1] == ASCII.lf {
                    if i + 1 == end { break }  // offset points at the LF of a CRLF
                    i += 1
                }
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, offset - lineStart + 1)
    }

    static func lineAndColumn(_ bytes: [UInt8], offset: Int) -> (Int, Int) {
        bytes.withUnsafeBufferPointer { lineAndColumn($0, offset: offset) }
    }
}

extension HL7Parser {
    /// Parses only the first MSH of `bytes` (after a BOM, MLLP start block or
    /// blank lines), so that a message that fails to parse further can still
    /// be acknowledged (typically with AR). Throws when the MSH itself is
    /// unusable, in which case no acknowledgment can be addressed.
    public static func parseHeader(_ bytes: [UInt8], limits: HL7Limits = .default) throws(HL7ParseError) -> HL7Segment {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, [ASCII.cr, ASCII.lf, ASCII.space, ASCII.tab, HL7MLLP.startBlock].contains(bytes[i]) { i += 1 }
        if i + 2 < bytes.count, bytes[i] == 0xEF, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF { i += 3 }
        var end = i
        while end < bytes.count, bytes[end] != ASCII.cr, bytes[end] != ASCII.lf, bytes[end] != HL7MLLP.endBlock { end += 1 }
        guard bytes[i..<end].starts(with: "MSH".utf8) else {
            let (line, column) = lineAndColumn(bytes, offset: i)
            throw HL7ParseError(reason: i == bytes.count ? .emptyInput : .noMessageHeader, byteOffset: i, line: line, column: column)
        }
        let interchange = try scan(bytes, limits: limits) { (scanner: inout ER7Scanner) throws(HL7ParseError) in
            try scanner.scanContent(from: i, to: end)
        }
        return interchange.messages[0].header
    }
}

enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let esc: UInt8 = 0x1B
    static let mllpStart: UInt8 = 0x0B
    static let mllpEnd: UInt8 = 0x1C
}

struct MessageDraft {
    var segments: Range<Int>
    var delimiters: HL7Delimiters
    var quirks: [HL7Quirk]
}

struct ScanResult {
    var segments: [SegmentRecord]
    var fieldStarts: [UInt32]
    var messages: [MessageDraft]
    var envelope: [(segment: Int, delimiters: HL7Delimiters)]
    var framed: Bool
}

/// The single-pass scanner. Works on a borrowed buffer; `result()` hands
/// the index over to `HL7Parser.parse`, which pairs it with the bytes.
struct ER7Scanner {
    let p: UnsafeBufferPointer<UInt8>
    let limits: HL7Limits
    var segments: [SegmentRecord] = []
    var fieldStarts: [UInt32] = []
    var messages: [MessageDraft] = []
    var envelope: [(segment: Int, delimiters: HL7Delimiters)] = []
    var framed = false

    /// The message being built: its first segment, delimiters and start offset.
    var current: (firstSegment: Int, delimiters: HL7Delimiters, start: Int, quirks: [HL7Quirk])?
    /// Delimiters declared by the latest FHS / BHS, for BTS / FTS.
    var envelopeDelimiters: HL7Delimiters?
    /// Delimiters of the latest message, for a BTS / FTS without FHS / BHS.
    var lastDelimiters: HL7Delimiters?

    init(buffer: UnsafeBufferPointer<UInt8>, limits: HL7Limits) {
        self.p = buffer
        self.limits = limits
        // A guess that avoids most regrowth for typical lab messages
        // (about one field per 8 bytes, one segment per 100).
        // Capped so that one huge field does not reserve memory in proportion.
        fieldStarts.reserveCapacity(min(max(16, buffer.count / 8), 1 << 20))
        segments.reserveCapacity(min(max(4, buffer.count / 100), 1 << 16))
    }

    func result() -> ScanResult {
        ScanResult(segments: segments, fieldStarts: fieldStarts, messages: messages, envelope: envelope, framed: framed)
    }

    // MARK: Framing

    mutating func scanInput() throws(HL7ParseError) {
        var i = skipBOM(0, end: p.count)
        i = skipBlank(i, end: p.count)
        if i < p.count, p[i] == ASCII.mllpStart {
            framed = true
            try scanFrames(from: i)
        } else {
            try scanContent(from: i, to: p.count)
        }
        if messages.isEmpty && envelope.isEmpty {
            let onlyBlank = skipBlank(skipBOM(0, end: p.count), end: p.count) == p.count
            throw error(onlyBlank ? .emptyInput : .noMessageHeader, at: skipBlank(skipBOM(0, end: p.count), end: p.count))
        }
    }

    mutating func scanFrames(from start: Int) throws(HL7ParseError) {
        var i = start
        while true {
            i = skipBlank(i, end: p.count)
            if i == p.count { return }
            guard p[i] == ASCII.mllpStart else { throw error(.invalidMLLPFraming, at: i) }
            let contentStart = i + 1
            guard let blockEnd = find(ASCII.mllpEnd, from: contentStart, to: p.count) else {
                throw error(.unterminatedMLLPFrame, at: i)
            }
            try scanContent(from: skipBOM(contentStart, end: blockEnd), to: blockEnd)
            i = blockEnd + 1
            if i < p.count, p[i] == ASCII.cr { i += 1 }
        }
    }

    // MARK: Segments

    /// Scans the segments of `start..<end`, which holds whole messages (one
    /// MLLP frame or the whole unframed input). Ends any open message.
    mutating func scanContent(from start: Int, to end: Int) throws(HL7ParseError) {
        var i = start
        while i < end {
            let b = p[i]
            if b == ASCII.cr || b == ASCII.lf {
                i += 1
                continue
            }
            if b == ASCII.space || b == ASCII.tab {
                var j = i
                while j < end, p[j] == ASCII.space || p[j] == ASCII.tab { j += 1 }
                if j == end || p[j] == ASCII.cr || p[j] == ASCII.lf {
                    i = j
                    continue
                }
                throw error(.invalidSegmentID, at: i, inSegment: true)
            }
            if b == 0xEF, i + 2 < end, p[i + 1] == 0xBB, p[i + 2] == 0xBF {
                i += 3
                continue
            }
            i = try scanSegment(at: i, end: end)
        }
        finishMessage()
    }

    mutating func scanSegment(at i: Int, end: Int) throws(HL7ParseError) -> Int {
        guard i + 3 <= end else { throw idError(at: i) }
        let id = SegmentID.pack(p[i], p[i + 1], p[i + 2])
        if id == SegmentID.msh || id == SegmentID.fhs || id == SegmentID.bhs {
            let (delimiters, doubledEscape) = try readDelimiters(at: i, end: end, id: id)
            finishMessage()
            if id == SegmentID.msh {
                current = (segments.count, delimiters, i, doubledEscape ? [.doubledEscapeInEncodingCharacters] : [])
                lastDelimiters = delimiters
            } else {
                envelopeDelimiters = delimiters
                envelope.append((segments.count, delimiters))
            }
            let segmentEnd = try scanFields(start: i, end: end, fs: delimiters.field, id: id, isHeader: true)
            if id == SegmentID.msh {
                let count = Int(segments[segments.count - 1].entryCount)
                if count < 12 {
                    throw error(.truncatedHeader(fieldCount: count), at: segmentEnd, inSegment: true, segmentID: id)
                }
            }
            return segmentEnd
        }
        if id == SegmentID.bts || id == SegmentID.fts {
            finishMessage()
            guard let delimiters = envelopeDelimiters ?? lastDelimiters else { throw error(.noMessageHeader, at: i) }
            try checkID(at: i, end: end, fs: delimiters.field)
            envelope.append((segments.count, delimiters))
            return try scanFields(start: i, end: end, fs: delimiters.field, id: id, isHeader: false)
        }
        guard let message = current else {
            // Before any MSH, or after a BTS / FTS closed the last message.
            throw error(.noMessageHeader, at: i)
        }
        let fs = message.delimiters.field
        try checkID(at: i, end: end, fs: fs)
        if segments.count - message.firstSegment >= limits.maxSegmentsPerMessage {
            throw error(.tooManySegments(limit: limits.maxSegmentsPerMessage), at: i, inSegment: true, segmentID: id)
        }
        return try scanFields(start: i, end: end, fs: fs, id: id, isHeader: false)
    }

    /// A segment id is three characters A-Z / 0-9 (the first a letter),
    /// followed by the field separator or the end of the line.
    @inline(__always)
    func checkID(at i: Int, end: Int, fs: UInt8) throws(HL7ParseError) {
        guard SegmentID.isUpper(p[i]), SegmentID.isUpperOrDigit(p[i + 1]), SegmentID.isUpperOrDigit(p[i + 2]) else {
            throw idError(at: i)
        }
        if i + 3 < end {
            let next = p[i + 3]
            guard next == fs || next == ASCII.cr || next == ASCII.lf else { throw idError(at: i) }
        }
    }

    func idError(at i: Int) -> HL7ParseError {
        current == nil ? error(.noMessageHeader, at: i) : error(.invalidSegmentID, at: i, inSegment: true)
    }

    /// Splits one segment into fields: the hot path. Records the start of
    /// each entry and the segment; returns the offset of its terminator (or `end`).
    @inline(__always)
    mutating func scanFields(start: Int, end: Int, fs: UInt8, id: UInt32, isHeader: Bool) throws(HL7ParseError) -> Int {
        let first = fieldStarts.count
        fieldStarts.append(UInt32(truncatingIfNeeded: start))
        let maxField = limits.maxFieldBytes
        // A message may not run past this offset.
        var scanEnd = end
        if let message = current, !isEnvelope(id), end - message.start > limits.maxMessageBytes {
            scanEnd = message.start + limits.maxMessageBytes + 1
        }
        var fieldStart = start
        var j = start
        while true {
            let stop = scanEnd - fieldStart > maxField ? fieldStart + maxField + 1 : scanEnd
            j = nextSeparatorOrControl(from: j, to: stop, fs: fs)
            if j == stop {
                if stop == end { break }
                let entry = fieldStarts.count - first - 1
                let field = isHeader ? entry + 1 : entry
                if stop == scanEnd && scanEnd < end && j - fieldStart <= maxField {
                    throw error(.messageTooLarge(limit: limits.maxMessageBytes), at: j, inSegment: true, segmentID: id, field: field)
                }
                throw error(.fieldTooLarge(limit: maxField), at: fieldStart, inSegment: true, segmentID: id, field: field)
            }
            let b = p[j]
            if b == fs {
                j &+= 1
                fieldStart = j
                fieldStarts.append(UInt32(truncatingIfNeeded: j))
                continue
            }
            if b == ASCII.cr || b == ASCII.lf { break }
            if b == ASCII.tab || b == ASCII.esc {
                j &+= 1
                continue
            }
            let entry = fieldStarts.count - first - 1
            throw error(.binaryData(byte: b), at: j, inSegment: true, segmentID: id, field: isHeader ? entry + 1 : entry)
        }
        segments.append(SegmentRecord(
            start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: j),
            firstField: UInt32(truncatingIfNeeded: first), entryCount: UInt32(truncatingIfNeeded: fieldStarts.count - first),
            id: id, isHeader: isHeader))
        return j
    }

    /// The first offset in `start..<stop` holding `fs` or a control byte (below 0x20), or `stop`.
    /// Eight bytes at a time: a field is a few to a few hundred bytes, and this loop is the parser.
    @inline(__always)
    func nextSeparatorOrControl(from start: Int, to stop: Int, fs: UInt8) -> Int {
        var j = start
        #if _endian(little)
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            let separators = UInt64(fs) &* ones
            while j &+ 8 <= stop {
                // In bounds: j + 8 <= stop <= p.count. Unaligned loads are allowed on every target.
                let word = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                // A byte is flagged when it is zero after XOR with the separator, or below 0x20
                // (the classic "has zero byte" / "has byte less than" tests). Borrows can flag a
                // byte wrongly only above a true flag, so the lowest flag is exact, and on a
                // little-endian machine the lowest byte is the first in memory.
                let x = word ^ separators
                let found = ((x &- ones) & ~x & highs) | ((word &- 0x20 &* ones) & ~word & highs)
                if found != 0 { return j &+ found.trailingZeroBitCount >> 3 }
                j &+= 8
            }
        }
        #endif
        while j < stop {
            let b = p[j]
            if b == fs || b < 0x20 { break }
            j &+= 1
        }
        return j
    }

    @inline(__always)
    func isEnvelope(_ id: UInt32) -> Bool {
        id == SegmentID.fhs || id == SegmentID.bhs || id == SegmentID.bts || id == SegmentID.fts
    }

    mutating func finishMessage() {
        guard let message = current else { return }
        messages.append(MessageDraft(segments: message.firstSegment..<segments.count, delimiters: message.delimiters, quirks: message.quirks))
        current = nil
    }

    // MARK: Header

    /// Reads and checks MSH-1 / MSH-2 (or FHS / BHS-1 / -2).
    /// Returns the delimiters and whether MSH-2 had a doubled escape character.
    func readDelimiters(at i: Int, end: Int, id: UInt32) throws(HL7ParseError) -> (HL7Delimiters, Bool) {
        // Texts for errors only: made when an error is (the header of every message passes here).
        var name: String { SegmentID.string(id) }
        func fail(_ detail: String, at offset: Int, field: Int) -> HL7ParseError {
            var e = error(.invalidDelimiters(detail: detail), at: offset, inSegment: true, segmentID: id, field: field)
            if id != SegmentID.msh { e.messageIndex = nil; e.segmentIndex = nil }
            else { e.messageIndex = messages.count + 1; e.segmentIndex = 1 }
            return e
        }
        guard i + 3 < end, p[i + 3] != ASCII.cr, p[i + 3] != ASCII.lf else {
            throw fail("\(name)-1 (field separator) is missing", at: i + 3, field: 1)
        }
        let fs = p[i + 3]
        guard HL7Delimiters.isAllowedDelimiter(fs) else {
            throw fail("\(name)-1 (field separator) is a letter, digit, space or control byte", at: i + 3, field: 1)
        }
        var k = i + 4
        while k < end, k - (i + 4) < 6 {
            let b = p[k]
            if b == fs || b == ASCII.cr || b == ASCII.lf { break }
            k += 1
        }
        let chars = UnsafeBufferPointer(rebasing: p[(i + 4)..<k])
        let printable = chars.allSatisfy(HL7Delimiters.isAllowedDelimiter)
        var quoted: String { printable ? " '" + String(decoding: chars, as: UTF8.self) + "'" : "" }
        switch chars.count {
        case 0: throw fail("\(name)-2 (encoding characters) is missing", at: i + 4, field: 2)
        case 1...3:
            throw fail("\(name)-2\(quoted) has \(chars.count) characters; expected component, repetition, escape and subcomponent", at: i + 4, field: 2)
        case 4, 5: break
        default: throw fail("\(name)-2 has more than 5 characters", at: i + 4, field: 2)
        }
        guard printable else {
            throw fail("\(name)-2 holds a letter, digit, space or control byte", at: i + 4, field: 2)
        }
        if chars.contains(fs) {
            throw fail("\(name)-2\(quoted) repeats the field separator '\(Character(Unicode.Scalar(fs)))'", at: i + 4, field: 2)
        }
        // `^~\\&`: the escape character doubled, as when a message was
        // pasted from a string literal in source code. With five characters
        // the fourth would be the subcomponent separator and equal the
        // escape character, which no sender can mean; the four distinct
        // characters in standard order are the only usable reading.
        if chars.count == 5, chars[2] == chars[3], Self.distinctCount(chars) == 4 {
            return (HL7Delimiters(field: fs, component: chars[0], repetition: chars[1], escape: chars[2], subcomponent: chars[4]), true)
        }
        if Self.distinctCount(chars) != chars.count {
            throw fail("\(name)-2\(quoted) repeats an encoding character", at: i + 4, field: 2)
        }
        return (HL7Delimiters(
            field: fs, component: chars[0], repetition: chars[1], escape: chars[2], subcomponent: chars[3],
            truncation: chars.count == 5 ? chars[4] : nil), false)
    }

    // MARK: Helpers

    /// The number of distinct bytes among at most a few.
    static func distinctCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for (n, b) in bytes.enumerated() where !bytes[..<n].contains(b) { count += 1 }
        return count
    }

    func skipBOM(_ i: Int, end: Int) -> Int {
        if i + 2 < end, p[i] == 0xEF, p[i + 1] == 0xBB, p[i + 2] == 0xBF { return i + 3 }
        return i
    }

    func skipBlank(_ start: Int, end: Int) -> Int {
        var i = start
        while i < end {
            let b = p[i]
            guard b == ASCII.cr || b == ASCII.lf || b == ASCII.space || b == ASCII.tab else { break }
            i += 1
        }
        return i
    }

    func find(_ byte: UInt8, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = p.baseAddress else { return nil }
        var i = start
        while i < end {
            if base[i] == byte { return i }
            i &+= 1
        }
        return nil
    }

    /// An error at `offset`; when `inSegment`, positioned in the open
    /// message's segment that starts there (the next one to be recorded).
    func error(
        _ reason: HL7ParseError.Reason, at offset: Int, inSegment: Bool = false, segmentID: UInt32? = nil, field: Int? = nil
    ) -> HL7ParseError {
        let (line, column) = HL7Parser.lineAndColumn(p, offset: offset)
        var e = HL7ParseError(reason: reason, byteOffset: offset, line: line, column: column)
        if inSegment, let message = current {
            e.messageIndex = messages.count + 1
            // The failing segment is recorded already (MSH truncated) or not yet.
            let recorded = segments.count - message.firstSegment
            let isRecordedHeader = reason.isTruncatedHeader
            e.segmentIndex = isRecordedHeader ? recorded : recorded + 1
        } else if current != nil {
            e.messageIndex = messages.count + 1
        }
        if let segmentID { e.segmentID = SegmentID.string(segmentID) }
        e.field = field
        return e
    }
}

extension HL7ParseError.Reason {
    var isTruncatedHeader: Bool {
        if case .truncatedHeader = self { return true }
        return false
    }
}
