import Testing
import TACEJSON

@Suite("Looking up several members in one pass")
struct KeySetTests {
    static let set = JSONKeySet(["code", "value", "valueQuantity", "id", "", "code", "ünit"])
    static let names = ["code", "value", "valueQuantity", "id", "", "code", "ünit"]

    /// What `values(for:)` must give: each name's first member by subscript, a repeated name the next one.
    func expected(_ object: JSONValue) -> [Int?] {
        var used = Set<Int>()
        return Self.names.map { name -> Int? in
            for (key, value) in object.memberNodes where key.stringEquals(name) && !used.contains(value.byteOffset) {
                used.insert(value.byteOffset)
                return value.byteOffset
            }
            return nil
        }
    }

    @Test(arguments: [
        #"{"code":1,"value":2,"valueQuantity":{"value":3},"id":"x","":0,"ünit":"mg"}"#,
        #"{"id":1,"code":2,"code":3,"code":4}"#,
        #"{"c\u006fde":1,"valu\u0065":2,"\u00fcnit":3}"#,
        #"{"cod":1,"codes":2,"valueQuantit":3,"VALUE":4}"#,
        #"{}"#,
    ])
    func findsTheSameMembersAsLookingUpEachName(_ text: String) throws {
        let root = try JSONDocument.parse(Array(text.utf8)).root
        let found = root.values(for: Self.set).map { $0?.byteOffset }
        #expect(found == expected(root))
    }

    @Test func findsNothingInANonObject() throws {
        let root = try JSONDocument.parse(Array(#"["code","value"]"#.utf8)).root
        #expect(root.values(for: Self.set).allSatisfy { $0 == nil })
        #expect(root.values(for: Self.set).count == Self.names.count)
    }
}
