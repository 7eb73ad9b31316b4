import Testing
import TACEJSON
import TACEModel
@testable import TACEFHIRWriter

@Suite("Bundles are written entry by entry and stay valid FHIR JSON")
struct BundleStreamWriterTests {
    let now = ClinicalTime(fhir: "2026-01-01T00:00:00Z")!

    func parse(_ bytes: [UInt8]) throws -> JSONValue { try JSONDocument.parse(bytes).root }

    @Test func emptyBundleHasNoEntryArray() throws {
        var b = BundleStreamWriter(type: .collection, timestamp: now)
        let root = try parse(b.finish())
        #expect(root["entry"] == nil)
        #expect(root["type"]?.string == "collection")
    }

    @Test func transactionEntriesCarryConditionalCreatesAndPuts() throws {
        var b = BundleStreamWriter(type: .transaction, timestamp: now, pretty: false)
        b.entry(id: StableID(["o"]), request: .conditionalCreate(type: "Observation", identifierSystem: "https://s", identifierValue: "v")) { j in
            j.beginObject(); j.key("resourceType"); j.string("Observation"); j.endObject()
        }
        b.entry(id: StableID(["p"]), request: .put(type: "Provenance", id: "abc")) { j in
            j.beginObject(); j.key("resourceType"); j.string("Provenance"); j.endObject()
        }
        let root = try parse(b.finish())
        let first = try #require(root["entry"]?[0]?["request"])
        #expect(first["method"]?.string == "POST")
        #expect(first["ifNoneExist"]?.string == "identifier=https://s|v")
        #expect(root["entry"]?[1]?["request"]?["url"]?.string == "Provenance/abc")
        #expect(root["entry"]?[0]?["fullUrl"]?.string == StableID(["o"]).urnUUID)
    }

    @Test func collectionEntriesHaveNoRequest() throws {
        var b = BundleStreamWriter(type: .collection, timestamp: now)
        b.entry(id: StableID(["o"]), request: .put(type: "X", id: "1")) { j in j.beginObject(); j.endObject() }
        let root = try parse(b.finish())
        #expect(root["entry"]?[0]?["request"] == nil)
    }

    @Test func aRepeatedIdIsWrittenOnceWhenDeduplicating() throws {
        var b = BundleStreamWriter(type: .collection, timestamp: now)
        for _ in 0..<3 { b.entry(id: StableID(["same"]), request: nil) { j in j.beginObject(); j.endObject() } }
        #expect(b.entryCount == 1)
    }

    @Test func streamedChunksConcatenateToOneDocument() throws {
        var b = BundleStreamWriter(type: .collection, timestamp: now)
        var bytes: [UInt8] = []
        for i in 0..<50 {
            b.entry(id: StableID([String(i)]), request: nil) { j in j.beginObject(); j.key("n"); j.number(i); j.endObject() }
            bytes += b.takeBytes()
        }
        bytes += b.finish()
        #expect(try parse(bytes)["entry"]?.count == 50)
    }

    @Test func convertedValuesCarryNoFloatingPointNoise() {
        #expect(FHIRValues.clean(1.2 * 17.104) == 20.5248)
        #expect(FHIRValues.clean(0.1 + 0.2) == 0.3)
        #expect(FHIRValues.clean(-2.5962733) == -2.5962733)
    }
}
