import Hummingbird
import HummingbirdTesting
import Testing
import TACEJSON
import TACEModel

/// A CDS Hooks request for `hook` whose draft order has `code` and whose prefetch holds `prefetch` (raw JSON).
private func hookRequest(hook: String = "order-select", system: String = "https://tacebridge.org/fhir/CodeSystem/hcc-procedures",
                         code: String = "tace", selected: Bool = true, prefetch: String?) -> String {
    let selections = selected ? #"["ServiceRequest/sr-1"]"# : #"["ServiceRequest/other"]"#
    var body = """
    {"hook":"\(hook)","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
     "context":{"userId":"Practitioner/1","patientId":"1288992","selections":\(selections),
       "draftOrders":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","id":"sr-1",
         "status":"draft","intent":"order","subject":{"reference":"Patient/1288992"},
         "code":{"coding":[{"system":"\(system)","code":"\(code)"}]}}}]}}
    """
    if let prefetch { body += #","prefetch":"# + prefetch }
    return body + "}"
}

private func cards(_ response: TestResponse) throws -> [JSONValue] {
    guard let list = try json(response).root["cards"] else { return [] }
    return Array(list.elements)
}

@Suite("HTTP: CDS Hooks p-tace service")
struct CDSHooksTests {
    @Test func discoveryListsPTACEForBothOrderHooks() async throws {
        try await withService(FakeIngest()) { client in
            try await client.execute(uri: "/cds-services", method: .get) { response in
                #expect(response.status == .ok)
                let services = try json(response).root["services"]
                #expect(services?.elements.compactMap { $0["hook"]?.string } == ["order-select", "order-sign"])
                #expect(services?.elements.allSatisfy { $0["id"]?.string == "p-tace" && $0["description"]?.string != nil } == true)
                #expect(services?[0]?["prefetch"]?["afp"]?.string?.contains("_sort=-date") == true)
            }
        }
    }

    @Test func completeInputsGiveOneScoredWarningCardForGrade5() async throws {
        // samples/fhir/ptace-grade5.json scores 14 points, grade 5 (5.5 + 3.5 + 5 + 0 + 0; see its expected output),
        // evaluated on 2025-05-09 (the day of its first TACE).
        let patient = String(decoding: try readSample("fhir/ptace-grade5.json"), as: UTF8.self)
        try await withService(FakeIngest()) { client in
            let body = hookRequest(prefetch: #"{"everything":"# + patient + #","hcc":null}"#)
            try await client.execute(uri: "/cds-services/p-tace", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let all = try cards(response)
                #expect(all.count == 1)
                let card = all[0]
                #expect(card["summary"]?.string == "p-TACE 14/19.5 (grade 5): estimated TACE refractoriness risk about 77%")
                #expect((card["summary"]?.string?.count ?? 200) < 140)
                #expect(card["indicator"]?.string == "warning")
                #expect(card["source"]?["label"]?.string == "p-TACE score (J Cancer, Zhongshan Hospital)")
                let detail = card["detail"]?.string ?? ""
                #expect(detail.contains("| Vascularization |"))
                #expect(detail.contains("| 5.5 |"))
                #expect(card["suggestions"] == nil, "no optional field without a value")
                #expect(card["uuid"]?.string?.count == 36)
            }
        }
    }

    @Test func grade1GivesAnInfoCard() async throws {
        let patient = String(decoding: try readSample("fhir/ptace-grade1.json"), as: UTF8.self)
        let firstTACE = try firstTACEDay("fhir/ptace-grade1.json")
        let now = try #require(firstTACE)
        try await withService(FakeIngest(), now: now) { client in
            try await client.execute(uri: "/cds-services/p-tace", method: .post,
                                     body: ByteBuffer(string: hookRequest(hook: "order-sign", prefetch: #"{"all":"# + patient + "}"))) { response in
                let card = try #require(try cards(response).first)
                #expect(card["summary"]?.string?.contains("(grade 1)") == true)
                #expect(card["indicator"]?.string == "info")
            }
        }
    }

    @Test func missingInputsGiveOneInfoCardNamingThem() async throws {
        // Only an AFP result: four factors missing.
        let afp = #"{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/1288992"},"effectiveDateTime":"2025-05-05T07:50:00Z","code":{"coding":[{"system":"http://loinc.org","code":"1834-1"}]},"valueQuantity":{"value":520,"unit":"ng/mL","system":"http://unitsofmeasure.org","code":"ng/mL"}}"#
        try await withService(FakeIngest()) { client in
            try await client.execute(uri: "/cds-services/p-tace", method: .post,
                                     body: ByteBuffer(string: hookRequest(prefetch: #"{"afp":"# + afp + #","ggt":null}"#))) { response in
                #expect(response.status == .ok)
                let all = try cards(response)
                #expect(all.count == 1)
                #expect(all[0]["indicator"]?.string == "info")
                let summary = all[0]["summary"]?.string ?? ""
                #expect(summary.hasPrefix("p-TACE not computed: missing"))
                #expect(summary.contains("Gamma-glutamyl transferase"))
                #expect(!summary.contains("Alpha-fetoprotein"), "AFP was given")
                #expect(all[0]["detail"]?.string?.contains("never scored as 0") == true)
            }
        }
    }

    @Test func nonTACEOrderGivesNoCards() async throws {
        try await withService(FakeIngest()) { client in
            for body in [hookRequest(system: "http://loinc.org", code: "1751-7", prefetch: "{}"),
                         hookRequest(selected: false, prefetch: "{}")] {
                try await client.execute(uri: "/cds-services/p-tace", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect(text(response) == #"{"cards":[]}"#)
                }
            }
        }
    }

    @Test func tACEOrderWithoutPrefetchIs412() async throws {
        try await withService(FakeIngest()) { client in
            try await client.execute(uri: "/cds-services/p-tace", method: .post, body: ByteBuffer(string: hookRequest(prefetch: nil))) { response in
                #expect(response.status == .preconditionFailed)
            }
        }
    }

    @Test func unknownHookOrMissingContextIs400() async throws {
        try await withService(FakeIngest()) { client in
            for body in [hookRequest(hook: "patient-view", prefetch: "{}"), #"{"hook":"order-sign","context":{}}"#, "[]"] {
                try await client.execute(uri: "/cds-services/p-tace", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test func cdsServiceNeedsTheTokenWhenOneIsConfigured() async throws {
        try await withService(FakeIngest(), token: "tok") { client in
            try await client.execute(uri: "/cds-services", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"tacebridge-cds\"")
            }
        }
    }
}

/// The performed date of the sample's first performed TACE Procedure, as the evaluation time.
private func firstTACEDay(_ sample: String) throws -> ClinicalTime? {
    let document = try JSONDocument.parse(try readSample(sample))
    var first: String?
    guard let entries = document.root["entry"] else { return nil }
    for entry in entries.elements {
        if let performed = entry["resource"]?["performedDateTime"]?.string, first.map({ performed < $0 }) ?? true { first = performed }
    }
    return first.flatMap { ClinicalTime(fhir: $0) }
}
