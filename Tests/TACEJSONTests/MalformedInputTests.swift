import Testing
import TACEJSON

/// Asserts that `input` fails with `reason` at `offset` (and, if given, line/column).
func expectFailure(
    _ input: [UInt8], _ reason: JSONParseError.Reason, at offset: Int,
    line: Int = 1, column: Int? = nil, limits: JSONLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error = parseError(input, limits: limits) else {
        Issue.record("expected \(reason) but the input parsed", sourceLocation: sourceLocation)
        return
    }
    #expect(error.reason == reason, sourceLocation: sourceLocation)
    #expect(error.byteOffset == offset, sourceLocation: sourceLocation)
    #expect(error.line == line, sourceLocation: sourceLocation)
    #expect(error.column == (column ?? offset + 1), sourceLocation: sourceLocation)
}

func expectFailure(
    _ input: String, _ reason: JSONParseError.Reason, at offset: Int,
    line: Int = 1, column: Int? = nil, limits: JSONLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectFailure(Array(input.utf8), reason, at: offset, line: line, column: column, limits: limits,
                  sourceLocation: sourceLocation)
}

@Suite("Rejecting malformed input")
struct MalformedInputTests {
    @Test func everyTruncationOfAnObservationFailsAtTheEnd() {
        for length in 0 ..< sampleBytes.count {
            let prefix = Array(sampleBytes[..<length])
            guard let error = parseError(prefix) else {
                Issue.record("prefix of \(length) bytes parsed")
                continue
            }
            if length == 0 {
                #expect(error.reason == .emptyInput)
            } else {
                #expect(error.reason == .unexpectedEnd, "prefix \(length): \(error)")
                #expect(error.byteOffset == length)
            }
        }
    }

    @Test func everyTruncationOfACompactObservationFails() throws {
        var writer = JSONWriter(pretty: false)
        writer.raw(try JSONDocument.parse(sampleBytes).root)
        let compact = writer.bytes
        for length in 0 ..< compact.count {
            let error = parseError(Array(compact[..<length]))
            #expect(error?.reason == (length == 0 ? .emptyInput : .unexpectedEnd))
        }
        #expect(parseError(compact) == nil)
    }

    @Test func emptyAndBlankInputAreEmpty() {
        expectFailure([], .emptyInput, at: 0)
        expectFailure("   ", .emptyInput, at: 3)
        expectFailure([0xEF, 0xBB, 0xBF], .emptyInput, at: 3)
        expectFailure("\n\n", .emptyInput, at: 2, line: 3, column: 1)
    }

    @Test func trailingContentIsRejected() {
        expectFailure("{} {}", .trailingContent, at: 3)
        expectFailure("[1]\n]", .trailingContent, at: 4, line: 2, column: 1)
        expectFailure("1 2", .trailingContent, at: 2)
        expectFailure("nullx", .trailingContent, at: 4)
    }

    @Test func wrongTokensAreUnexpectedBytes() {
        expectFailure("[1,]", .unexpectedByte(UInt8(ascii: "]")), at: 3)
        expectFailure("{\"a\":1,}", .unexpectedByte(UInt8(ascii: "}")), at: 7)
        expectFailure("{\"a\" 1}", .unexpectedByte(UInt8(ascii: "1")), at: 5)
        expectFailure("{\"a\":1 \"b\":2}", .unexpectedByte(UInt8(ascii: "\"")), at: 7)
        expectFailure("{a:1}", .unexpectedByte(UInt8(ascii: "a")), at: 1)
        expectFailure("['a']", .unexpectedByte(UInt8(ascii: "'")), at: 1)
        expectFailure("[1 2]", .unexpectedByte(UInt8(ascii: "2")), at: 3)
        expectFailure("[1}", .unexpectedByte(UInt8(ascii: "}")), at: 2)
        expectFailure("{\"a\":1]", .unexpectedByte(UInt8(ascii: "]")), at: 6)
        expectFailure("]", .unexpectedByte(UInt8(ascii: "]")), at: 0)
        expectFailure(":", .unexpectedByte(UInt8(ascii: ":")), at: 0)
        expectFailure("tru", .unexpectedEnd, at: 3)
        expectFailure("trUe", .unexpectedByte(UInt8(ascii: "U")), at: 2)
        expectFailure("[nul]", .unexpectedByte(UInt8(ascii: "]")), at: 4)
        expectFailure("NaN", .unexpectedByte(UInt8(ascii: "N")), at: 0)
        expectFailure("[Infinity]", .unexpectedByte(UInt8(ascii: "I")), at: 1)
        expectFailure("[1, é]", .unexpectedByte(0xC3), at: 4)
        expectFailure("[\u{0}]", .unexpectedByte(0), at: 1)
        expectFailure("{\"a\":\u{B}1}", .unexpectedByte(0x0B), at: 5)
    }

    @Test func positionsAreReportedAsLineAndColumn() {
        let text = "{\n  \"a\": [1, 2,\n   ]\n}"
        expectFailure(text, .unexpectedByte(UInt8(ascii: "]")), at: 19, line: 3, column: 4)
        let crlf = "{\r\n\"a\":\r\n  x}"
        expectFailure(crlf, .unexpectedByte(UInt8(ascii: "x")), at: 11, line: 3, column: 3)
    }

    @Test func invalidNumbersAreRejected() {
        expectFailure("01", .invalidNumber, at: 1)
        expectFailure("[-01]", .invalidNumber, at: 3)
        expectFailure("+1", .invalidNumber, at: 0)
        expectFailure("[.5]", .invalidNumber, at: 1)
        expectFailure("[1.]", .invalidNumber, at: 3)
        expectFailure("[1.e5]", .invalidNumber, at: 3)
        expectFailure("[1e]", .invalidNumber, at: 3)
        expectFailure("[1e+]", .invalidNumber, at: 4)
        expectFailure("[-]", .invalidNumber, at: 2)
        expectFailure("[-Infinity]", .invalidNumber, at: 2)
        expectFailure("[1.2.3]", .invalidNumber, at: 4)
        expectFailure("[1e5e5]", .invalidNumber, at: 4)
        expectFailure("[1-2]", .invalidNumber, at: 2)
        expectFailure("[0x10]", .unexpectedByte(UInt8(ascii: "x")), at: 2)
        expectFailure("-", .unexpectedEnd, at: 1)
        expectFailure("1.", .unexpectedEnd, at: 2)
        expectFailure("1e-", .unexpectedEnd, at: 3)
    }

    @Test func tenThousandDigitNumberIsTooLong() {
        let digits = "1" + String(repeating: "0", count: 9_999)
        expectFailure(digits, .numberTooLong, at: 0)
        expectFailure("{\"v\": " + digits + "}", .numberTooLong, at: 6)
        let limit = String(repeating: "9", count: 64)
        #expect(parseError(limit) == nil)
        expectFailure(limit + "9", .numberTooLong, at: 0)
        expectFailure("[12345]", .numberTooLong, at: 1, limits: JSONLimits(maxNumberDigits: 4))
    }

    @Test func hugeExponentParsesButHasNoDouble() throws {
        let root = try parse("[1e400, -1e400, 1e999999999999999999999, 1e-400, 0e999999999]").root
        #expect(root[0]?.double == nil)
        #expect(root[1]?.double == nil)
        #expect(root[2]?.double == nil)
        #expect(root[2]?.int == nil)
        #expect(root[3]?.double == 0)
        #expect(root[4]?.int == 0)
        #expect(root[0]?.numberText == "1e400")
    }

    @Test func controlCharactersInStringsAreRejected() {
        expectFailure("\"a\tb\"", .controlCharacterInString, at: 2)
        expectFailure("[\"\u{0}\"]", .controlCharacterInString, at: 2)
        expectFailure("{\"k\": \"line\nbreak\"}", .controlCharacterInString, at: 11)
        expectFailure("{\"k\u{1F}\": 1}", .controlCharacterInString, at: 3)
        #expect(parseError("\"\u{7F}\"") == nil)
    }

    @Test func invalidEscapesAreRejected() {
        expectFailure(#""\x""#, .invalidEscape, at: 1)
        expectFailure(#""ab\U0041""#, .invalidEscape, at: 3)
        expectFailure(#""\u12G4""#, .invalidEscape, at: 1)
        expectFailure(#""\uD800""#, .invalidEscape, at: 1)
        expectFailure(#""\uD800\u0041""#, .invalidEscape, at: 1)
        expectFailure(#""\uD800\n""#, .invalidEscape, at: 1)
        expectFailure(#""\uDBFF\uDBFF""#, .invalidEscape, at: 1)
        expectFailure(#""x\uDC00""#, .invalidEscape, at: 2)
        expectFailure(#""\uD800x""#, .invalidEscape, at: 1)
        expectFailure(#""\'""#, .invalidEscape, at: 1)
        expectFailure(#""\u12"#, .unexpectedEnd, at: 5)
        expectFailure(#""\uD800\"#, .unexpectedEnd, at: 8)
    }

    @Test func invalidUTF8InStringsIsRejected() {
        let cases: [[UInt8]] = [
            [0xC0, 0xAF],              // overlong '/'
            [0xC1, 0xBF],              // overlong
            [0xE0, 0x80, 0xAF],        // overlong 3-byte
            [0xF0, 0x80, 0x80, 0xAF],  // overlong 4-byte
            [0x80],                    // stray continuation
            [0xBF, 0x41],              // stray continuation
            [0xE2, 0x82],              // truncated 3-byte (then the closing quote)
            [0xF0, 0x9F, 0x98],        // truncated 4-byte
            [0xC3],                    // truncated 2-byte
            [0xFF], [0xFE], [0xF5, 0x80, 0x80, 0x80],
            [0xED, 0xA0, 0x80],        // UTF-16 surrogate U+D800 encoded in UTF-8
            [0xED, 0xBF, 0xBF],        // U+DFFF
            [0xF4, 0x90, 0x80, 0x80],  // U+110000
            [0xE2, 0x28, 0xA1],        // bad second byte
            [0xE2, 0x82, 0x28],        // bad third byte
        ]
        for sequence in cases {
            let input: [UInt8] = bytes("{\"k\": \"ab") + sequence + bytes("\"}")
            expectFailure(input, .invalidUTF8, at: 9)
        }
        expectFailure([0x22, 0xE2, 0x82], .unexpectedEnd, at: 3)
        expectFailure([0x22, 0xC3], .unexpectedEnd, at: 2)
    }

    @Test func tenThousandDeepArraysAreTooDeep() {
        let input = [UInt8](repeating: UInt8(ascii: "["), count: 10_000)
        expectFailure(input, .tooDeep(limit: 256), at: 256)
    }

    @Test func tenThousandDeepObjectsAreTooDeep() {
        let input = Array(String(repeating: "{\"a\":", count: 10_000).utf8)
        expectFailure(input, .tooDeep(limit: 256), at: 256 * 5)
    }

    @Test func millionDeepObjectsAreTooDeepAndFast() {
        var input: [UInt8] = []
        input.reserveCapacity(5_000_001)
        for _ in 0 ..< 1_000_000 { input += bytes("{\"a\":") }
        input.append(UInt8(ascii: "1"))
        expectFailure(input, .tooDeep(limit: 256), at: 256 * 5)
        let arrays = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 1_000_000)
        expectFailure(arrays, .tooDeep(limit: 256), at: 256)
    }

    @Test func customDepthLimitIsReportedInTheReason() {
        expectFailure("[[[[]]]]", .tooDeep(limit: 3), at: 3, limits: JSONLimits(maxDepth: 3))
        expectFailure("{\"a\": {\"b\": []}}", .tooDeep(limit: 2), at: 12, limits: JSONLimits(maxDepth: 2))
        expectFailure("[]", .tooDeep(limit: 0), at: 0, limits: JSONLimits(maxDepth: 0))
        #expect(parseError("1", limits: JSONLimits(maxDepth: 0)) == nil)
    }

    @Test func overlongStringsAreRejected() {
        let limits = JSONLimits(maxStringBytes: 5)
        #expect(parseError("[\"abcde\"]", limits: limits) == nil)
        expectFailure("[\"abcdef\"]", .stringTooLong, at: 1, limits: limits)
        expectFailure("{\"abcdef\": 1}", .stringTooLong, at: 1, limits: limits)
        #expect(parseError("\"\\u00e9\"", limits: JSONLimits(maxStringBytes: 6)) == nil)
    }

    @Test func errorDescriptionsNeverContainInputContent() {
        let secret = "SECRET-PATIENT-NAME"
        let inputs: [[UInt8]] = [
            bytes("{\"name\": \"\(secret)\" \(secret)}"),
            bytes("{\"name\": \"\(secret)"),
            bytes("{\"name\": \"\(secret)\u{1}\"}"),
            bytes("{\"name\": \"\(secret)\\q\"}"),
            bytes("{\"name\": \"\(secret)") + [0xFF] + bytes("\"}"),
            bytes("[\(secret)]"),
            bytes("{\"\(secret)\" 1}"),
            bytes("{\"\(secret)\": 12\(secret)}"),
            bytes("\"\(secret)\" \(secret)"),
            bytes("[1, 2, 3\(secret)"),
            bytes("{\"n\": 0\(secret)}"),
            bytes("{\"n\": 1e\(secret)}"),
            bytes("{\"n\": t\(secret)}"),
            bytes("{\"n\": \"\(secret)\\uD800\(secret)\"}"),
            bytes("[\"\(secret)\"") + [UInt8](repeating: UInt8(ascii: "["), count: 300),
        ]
        for input in inputs {
            guard let error = parseError(input) else {
                Issue.record("input unexpectedly parsed")
                continue
            }
            let text = error.description
            #expect(!text.contains("SECRET") && !text.contains("PATIENT") && !text.contains("NAME"), "\(text)")
            #expect(!text.contains("S'") && !text.contains("'E"))
            #expect(text.hasPrefix("line \(error.line), column \(error.column): "))
        }
    }

    @Test func descriptionsNameStructuralBytesAndTheContext() {
        #expect(parseError("[1,]")?.description == "line 1, column 4: unexpected byte 0x5D ']', expected a value")
        #expect(parseError("{\"a\" 1}")?.description == "line 1, column 6: unexpected character, expected ':'")
        #expect(parseError("{\"a\": \"x")?.description == "line 1, column 9: unexpected end of input inside a string")
        #expect(parseError("{\"a\": 1")?.description == "line 1, column 8: unexpected end of input inside an object")
        #expect(parseError("[1 }")?.description == "line 1, column 4: unexpected byte 0x7D '}', expected ',' or ']'")
        #expect(parseError("[1 é]")?.description == "line 1, column 4: unexpected non-ASCII byte, expected ',' or ']'")
        #expect(parseError("[[[", limits: JSONLimits(maxDepth: 2))?.description
            == "line 1, column 3: nesting deeper than the limit of 2")
    }
}
