/// A parsed, validated JSON document: the input bytes plus a flat node tape.
/// Values are decoded lazily through `root` and the `JSONValue` views.
///
/// ```swift
/// let doc = try JSONDocument.parse(lineBytes)            // throws(JSONParseError)
/// guard doc.root["resourceType"]?.stringEquals("Observation") == true else { ... }
/// let code = doc.root["code"]?["coding"]?[0]?["code"]?.string
/// let text = doc.root["valueQuantity"]?["value"]?.numberText   // "4.10" as written
/// for (key, value) in doc.root.memberNodes where key.stringEquals("component") { ... }
/// ```
///
/// Parsing never recurses and never traps on input: every problem is a
/// `JSONParseError` with a reason and a line/column. Parsed documents are
/// immutable and `Sendable`; `JSONValue`s keep the document storage alive.
public struct JSONDocument: Sendable {
    let storage: JSONStorage
    /// Offset just after the parsed value (before any trailing whitespace).
    public let endOffset: Int

    /// The top-level value.
    public var root: JSONValue { JSONValue(storage: storage, index: 0) }

    /// Parses exactly one JSON value (RFC 8259) from `bytes`, skipping a leading
    /// UTF-8 BOM and surrounding whitespace. Trailing non-whitespace content is
    /// an error (`.trailingContent`) unless `allowTrailing` is true, in which
    /// case `endOffset` tells where the value ended.
    ///
    /// The array is retained by the document, not copied.
    public static func parse(
        _ bytes: [UInt8], limits: JSONLimits = .default, allowTrailing: Bool = false
    ) throws(JSONParseError) -> JSONDocument {
        if bytes.count >= Int(UInt32.max) {
            throw JSONParseError(reason: .inputTooLarge, byteOffset: 0, line: 1, column: 1)
        }
        let result: Result<(TapeBuilder, Int), JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return .failure(JSONParseError(reason: .emptyInput, byteOffset: 0, line: 1, column: 1))
            }
            return parseTape(base: base, count: buffer.count, limits: limits, allowTrailing: allowTrailing)
        }
        switch result {
        case .success(let (tape, endOffset)):
            let storage = JSONStorage(bytes: bytes, nodes: tape.base, nodeCount: tape.count)
            return JSONDocument(storage: storage, endOffset: endOffset)
        case .failure(let error):
            throw error
        }
    }

    /// Like `parse(_: [UInt8], ...)`; copies the bytes so the buffer may be
    /// freed or reused after the call.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .default, allowTrailing: Bool = false
    ) throws(JSONParseError) -> JSONDocument {
        let copy = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            if let source = bytes.baseAddress, let target = buffer.baseAddress, bytes.count > 0 {
                UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: bytes.count)
            }
            initialized = bytes.count
        }
        return try parse(copy, limits: limits, allowTrailing: allowTrailing)
    }

    /// 1-based line and column (in bytes) of a byte offset, found by scanning
    /// the input. Meant for error messages, not for hot paths.
    public func lineColumn(ofByteOffset offset: Int) -> (line: Int, column: Int) {
        storage.bytes.withUnsafeBufferPointer { computeLineColumn(in: $0, offset: offset) }
    }
}

private func parseTape(
    base: UnsafePointer<UInt8>, count: Int, limits: JSONLimits, allowTrailing: Bool
) -> Result<(TapeBuilder, Int), JSONParseError> {
    var start = 0
    if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
        start = 3
    }
    var parser = Parser(p: base, count: count, limits: limits)
    do throws(JSONParseError) {
        let valueEnd = try parser.parseValue(from: start)
        if !allowTrailing {
            let rest = parser.skipWhitespace(valueEnd)
            if rest < count {
                throw parser.fail(.trailingContent, at: rest, .none)
            }
        }
        return .success((parser.tape, valueEnd))
    } catch {
        parser.tape.release()
        return .failure(error)
    }
}
