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
