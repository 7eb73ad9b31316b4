import Testing
@testable import TACEHL7v2

/// `HL7Escaping.decode` takes a byte-building shortcut for ASCII text; it must give exactly what
/// the piece-by-piece decoding gives, on any mix of text, delimiters and escapes.
@Suite struct EscapeDecodingTests {
    @Test func shortcutEqualsPieceByPieceDecoding() {
        let alphabet = Array("ab \\FSTREP.brX0A41C3A9HN|^~&#".utf8) + [0xC3, 0xA9, 0xFF]
        var seed: UInt64 = 0x5EED_0F_E5CA_9E
        for length in 0..<40 {
            for _ in 0..<200 {
                var bytes: [UInt8] = []
                for _ in 0..<length {
                    seed = seed &* 6364136223846793005 &+ 1442695040888963407
                    bytes.append(alphabet[Int(seed >> 33) % alphabet.count])
                }
                for delimiters in [HL7Delimiters.standard,
                                   HL7Delimiters(field: 0x7C, component: 0x5E, repetition: 0x7E, escape: 0x5C, subcomponent: 0x26, truncation: 0x23)] {
                    #expect(HL7Escaping.decode(bytes[...], delimiters: delimiters)
                            == HL7Escaping.decodePieces(bytes[...], delimiters: delimiters), "\(bytes)")
                }
            }
        }
    }

    @Test func asciiEscapesDecode() {
        #expect(HL7Escaping.decode(Array("a\\T\\b\\.br\\c\\X41\\\\H\\d\\".utf8)[...], delimiters: .standard) == "a&b\nc\u{41}\\H\\d\\")
    }
}
