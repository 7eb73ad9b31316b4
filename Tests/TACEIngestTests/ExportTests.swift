import Foundation
import Testing
import TACEExport
import TACEJSON
import TACEModel
import TACEStore
@testable import TACEIngest

@Suite struct ExportOfStoredAssessments {
    func storedGrade3() async throws -> InMemoryStore {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        _ = await service.receiveDocument(try sampleBytes("samples/fhir/ptace-grade3.json"), name: "grade3.json", from: "test")
        _ = await service.receiveDocument(try sampleBytes("samples/hl7v2/ptace-labs.hl7"), name: "labs.hl7", from: "test")
        _ = try await service.recomputeDirty(limit: .max)
        return store
    }

    @Test func aTransactionBundleCreatesConditionallyAndEveryReferenceResolvesInsideIt() async throws {
        let store = try await storedGrade3()
        var writer = ExportWriter(format: .bundle, timestamp: "2026-01-01T00:00:00Z")
        for a in try await store.assessments(after: 0, since: nil, limit: 10_000) {
            let added = writer.add(a)
            #expect(added)
        }
        let bytes = writer.finish()
        let bundle = try JSONDocument.parse(bytes).root
        #expect(bundle["type"]?.string == "transaction")
        let entries = Array(try #require(bundle["entry"]).elements)
        #expect(!entries.isEmpty)
        var fullUrls = Set<String>()
        var riskAssessments = 0
        for entry in entries {
            let fullUrl = try #require(entry["fullUrl"]?.string)
            let fresh = fullUrls.insert(fullUrl).inserted
            #expect(fresh, "fullUrl written twice")
            let type = try #require(entry["resource"]?["resourceType"]?.string)
            let method = entry["request"]?["method"]?.string
            switch type {
            case "Provenance":
                #expect(method == "PUT")
                #expect(entry["request"]?["url"]?.string == "Provenance/" + (entry["resource"]?["id"]?.string ?? "?"))
            case "OperationOutcome":
                Issue.record("a not-computed note was exported")
            default:
                #expect(method == "POST")
                #expect(entry["request"]?["ifNoneExist"]?.string?.hasPrefix("identifier=") == true, "\(type) not conditional")
                if type == "RiskAssessment" { riskAssessments += 1 }
            }
        }
        #expect(riskAssessments >= 2)  // p-TACE for both patients at least
        // Every urn:uuid reference points at an entry of this Bundle.
        let text = bytes.text
        var rest = Substring(text)
        var references = 0
        while let r = rest.range(of: "\"reference\":\"urn:uuid:") {
            let start = text.index(r.upperBound, offsetBy: -9)
            let end = text[start...].firstIndex(of: "\"")!
            #expect(fullUrls.contains(String(text[start..<end])), "dangling reference")
            references += 1
            rest = text[end...]
        }
        #expect(references > 0)
    }

    @Test func ndjsonGivesEveryResourceAnIdOnce() async throws {
        let store = try await storedGrade3()
        var writer = ExportWriter(format: .ndjson, timestamp: "2026-01-01T00:00:00Z")
        for a in try await store.assessments(after: 0, since: nil, limit: 10_000) { writer.add(a) }
        let lines = writer.finish().split(separator: 0x0A)
        #expect(lines.count == writer.resourcesWritten)
        var ids = Set<String>()
        for line in lines {
            let resource = try JSONDocument.parse(Array(line)).root
            let id = try #require(resource["id"]?.string)
            let fresh = ids.insert((resource["resourceType"]?.string ?? "") + "/" + id).inserted
            #expect(fresh)
        }
    }
}
