import Testing
import TACEModel

/// Ids of two or three parts made without an array are the ids of the same parts in an array.
@Suite struct StableIDPartsTests {
    @Test(arguments: [("a", "b"), ("", ""), ("line 12", "afp"), ("µ", "|")])
    func twoPartsAsInAnArray(_ a: String, _ b: String) {
        #expect(StableID(a, b) == StableID([a, b]))
        #expect(StableID(a, b, "c") == StableID([a, b, "c"]))
        #expect(StableID(a, b, "") != StableID([a, b]))  // an empty third part still counts
    }
}

/// `StableID` is FNV-1a over 128 bits: the published test vectors, whichever way the bytes arrive.
@Suite struct StableIDVectorTests {
    // FNV-1a 128: "" is the offset basis; "a" and "foobar" from the FNV reference test vectors.
    @Test(arguments: [("", "6c62272e07bb014262b821756295c58d"),
                      ("a", "d228cb696f1a8caf78912b704e4a8964"),
                      ("foobar", "343e1662793c64bf6f0d3597ba446f18")])
    func knownVectors(_ text: String, _ hex: String) {
        let bytes = Array(text.utf8)
        #expect(StableID(bytes: bytes).hex == hex)                                   // contiguous array
        #expect(StableID(bytes: bytes.lazy.map { $0 }).hex == hex)                   // a sequence without contiguous storage
        #expect(bytes.withUnsafeBytes { StableID(bytes: $0) }.hex == hex)            // raw buffer
        #expect(StableID([text]).hex == hex)                                        // one string part
    }

    @Test func partsAreSeparatedByTheUnitSeparatorByte() {
        // Two parts hash as their bytes joined by 0x1F.
        #expect(StableID(["ab", "c"]) == StableID(bytes: Array("ab\u{1F}c".utf8)))
        #expect(StableID("ab", "c") == StableID(bytes: Array("ab\u{1F}c".utf8)))
        #expect(StableID(["ab", "c"]) != StableID(["a", "bc"]))
    }
}
