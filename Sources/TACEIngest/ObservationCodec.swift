import TACEModel

/// Encodes a typed observation into the store's opaque payload and back, losing nothing: the canonical
/// value, the original coding and unit, the conversion applied, the provenance and the notes.
///
/// A small length-prefixed binary form with a leading version byte: far cheaper than JSON on the ingest
/// path, and the decoder checks every length against the bytes it has (a damaged row throws, never crashes).
public enum ObservationCodec {
    static let version: UInt8 = 1

    public struct DecodingError: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "stored observation payload: byte \(offset): \(reason)" }
    }

    public static func encode(_ o: TypedObservation) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(256)
        w.byte(version)
        w.optionalString(o.patient.reference)
        w.count(o.patient.identifiers.count)
        for id in o.patient.identifiers {
            w.optionalString(id.system)
            w.string(id.value)
        }
        w.string(o.concept.rawValue)
        switch o.value {
        case .quantity(let m):
            w.byte(0)
            w.double(m.value)
            w.string(m.comparator.rawValue)
            w.string(m.unit.rawValue)
        case .coded(let code):
            w.byte(1)
            w.string(code)
        case .text(let text):
            w.byte(2)
            w.string(text)
        case .event:
            w.byte(3)
        }
        if let t = o.effective {
            w.byte(1)
            w.double(t.epochSeconds)
            if let offset = t.utcOffsetSeconds {
                w.byte(1)
                w.int(Int64(offset))
            } else {
                w.byte(0)
            }
            w.byte(UInt8(truncatingIfNeeded: t.precision.rawValue))
        } else {
            w.byte(0)
        }
        w.string(o.status.rawValue)
        let original = o.original
        w.optionalString(original.system)
        w.string(original.code)
        w.optionalString(original.display)
        w.optionalString(original.unit)
        w.optionalString(original.valueText)
        if let c = o.conversion {
            w.byte(1)
            w.string(c.from.rawValue)
            w.string(c.to.rawValue)
            w.double(c.factor)
            w.optionalString(c.parameter)
        } else {
            w.byte(0)
        }
        let s = o.source
        w.string(s.file)
        w.string(s.format.rawValue)
        w.optionalString(s.resourceReference)
        w.string(s.location)
        w.string(s.recordKey)
        w.count(o.notes.count)
        for note in o.notes { w.string(note) }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> TypedObservation {
        var r = Reader(bytes: bytes)
        let v = try r.byte()
        guard v == version else { throw DecodingError(offset: 0, reason: "unknown payload version \(v)") }
        let reference = try r.optionalString()
        var identifiers: [PatientIdentifier] = []
        for _ in 0..<(try r.count()) {
            let system = try r.optionalString()
            identifiers.append(PatientIdentifier(system: system, value: try r.string()))
        }
        let concept = try r.enumeration(Concept.self, "concept")
        let value: ObservationValue
        switch try r.byte() {
        case 0:
            let number = try r.double()
            let comparator = try r.enumeration(Comparator.self, "comparator")
            value = .quantity(Measurement(number, UCUMUnit(try r.string()), comparator: comparator))
        case 1: value = .coded(try r.string())
        case 2: value = .text(try r.string())
        case 3: value = .event
        case let tag: throw DecodingError(offset: r.offset - 1, reason: "unknown value tag \(tag)")
        }
        var effective: ClinicalTime? = nil
        if try r.flag() {
            let seconds = try r.double()
            let offset: Int? = try r.flag() ? Int(try r.int()) : nil
            let precisionByte = try r.byte()
            guard let precision = ClinicalTime.Precision(rawValue: Int(precisionByte)) else {
                throw DecodingError(offset: r.offset - 1, reason: "unknown time precision \(precisionByte)")
            }
            effective = ClinicalTime(epochSeconds: seconds, utcOffsetSeconds: offset, precision: precision)
        }
        let status = try r.enumeration(ObservationStatus.self, "status")
        let original = OriginalCoding(system: try r.optionalString(), code: try r.string(), display: try r.optionalString(),
                                      unit: try r.optionalString(), valueText: try r.optionalString())
        var conversion: AppliedConversion? = nil
        if try r.flag() {
            conversion = AppliedConversion(from: UCUMUnit(try r.string()), to: UCUMUnit(try r.string()), factor: try r.double(),
                                           parameter: try r.optionalString())
        }
        let source = SourceProvenance(file: try r.string(), format: try r.enumeration(SourceFormat.self, "format"),
                                      resourceReference: try r.optionalString(), location: try r.string(), recordKey: try r.string())
        var notes: [String] = []
        for _ in 0..<(try r.count()) { notes.append(try r.string()) }
        guard r.offset == bytes.count else { throw DecodingError(offset: r.offset, reason: "\(bytes.count - r.offset) bytes after the observation") }
        return TypedObservation(patient: PatientIdentity(reference: reference, identifiers: identifiers), concept: concept, value: value,
                                effective: effective, status: status, original: original, conversion: conversion, source: source, notes: notes)
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func byte(_ b: UInt8) { bytes.append(b) }
        mutating func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        mutating func count(_ n: Int) { varint(UInt64(n)) }
        mutating func int(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }  // zig-zag
        mutating func double(_ d: Double) {
            var bits = d.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
        }
        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { utf8 in
                count(utf8.count)
                bytes.append(contentsOf: utf8)
            }
        }
        mutating func optionalString(_ s: String?) {
            if let s {
                byte(1)
                string(s)
            } else {
                byte(0)
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard offset < bytes.count else { throw DecodingError(offset: offset, reason: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }
        mutating func flag() throws(DecodingError) -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            case let b: throw DecodingError(offset: offset - 1, reason: "flag byte \(b)")
            }
        }
        mutating func varint() throws(DecodingError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw DecodingError(offset: offset - 1, reason: "varint too long") }
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }
        mutating func count() throws(DecodingError) -> Int {
            let n = try varint()
            guard n <= UInt64(bytes.count - offset) else { throw DecodingError(offset: offset, reason: "length \(n) beyond the payload") }
            return Int(n)
        }
        mutating func int() throws(DecodingError) -> Int64 {
            let z = try varint()
            return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
        }
        mutating func double() throws(DecodingError) -> Double {
            guard bytes.count - offset >= 8 else { throw DecodingError(offset: offset, reason: "truncated number") }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return Double(bitPattern: bits)
        }
        mutating func string() throws(DecodingError) -> String {
            let n = try count()
            defer { offset += n }
            return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
        }
        mutating func optionalString() throws(DecodingError) -> String? {
            try flag() ? try string() : nil
        }
        mutating func enumeration<E: RawRepresentable>(_ type: E.Type, _ what: String) throws(DecodingError) -> E where E.RawValue == String {
            let start = offset
            let text = try string()
            guard let e = E(rawValue: text) else { throw DecodingError(offset: start, reason: "unknown \(what)") }
            return e
        }
    }
}
