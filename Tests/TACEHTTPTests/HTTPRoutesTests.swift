import Hummingbird
import HummingbirdTesting
import Testing
import TACEIngest
import TACEJSON
import TACEMetrics
import TACEModel
import TACEStore

private let riskAssessment = Array(#"{"resourceType":"RiskAssessment","id":"ra-1","status":"final","subject":{"reference":"Patient/7"}}"#.utf8)

@Suite("HTTP: FHIR routes, auth, health and metrics")
struct HTTPRoutesTests {
    @Test func healthIsOpenEvenWithAToken() async throws {
        try await withService(FakeIngest(), token: "s3cret") { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(text(response) == #"{"status":"pass"}"#)
            }
        }
    }

    @Test func missingOrWrongTokenIs401WithWWWAuthenticate() async throws {
        try await withService(FakeIngest(), token: "s3cret") { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer s3creT"], [.authorization: "Basic s3cret"], [.authorization: "Bearer s3cret2"]] {
                try await client.execute(uri: "/fhir/metadata", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"tacebridge\"")
                    let outcome = try json(response).root
                    #expect(outcome["resourceType"]?.string == "OperationOutcome")
                }
            }
            try await client.execute(uri: "/fhir/metadata", method: .get, headers: [.authorization: "bearer s3cret"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func unauthorizedRequestNeverReachesTheIngestLayer() async throws {
        let ingest = FakeIngest(assessments: [riskAssessment])
        try await withService(ingest, token: "t") { client in
            try await client.execute(uri: "/fhir/RiskAssessment?patient=7", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
        #expect(ingest.recorded.queries.isEmpty)
    }

    @Test func metadataListsExactlyWhatIsServed() async throws {
        try await withService(FakeIngest()) { client in
            try await client.execute(uri: "/fhir/metadata", method: .get) { response in
                let root = try json(response).root
                #expect(root["resourceType"]?.string == "CapabilityStatement")
                #expect(root["fhirVersion"]?.string == "4.0.1")
                let rest = root["rest"]?[0]
                let types = rest?["resource"]?.elements.compactMap { $0["type"]?.string }
                #expect(types == ["RiskAssessment", "Patient"])
                #expect(rest?["resource"]?[1]?["operation"]?[0]?["name"]?.string == "assess")
                #expect(rest?["interaction"]?[0]?["code"]?.string == "transaction")
                #expect(rest?["security"] == nil, "no security section when no token is configured")
            }
        }
    }

    @Test func riskAssessmentSearchByIdentifierGivesSearchset() async throws {
        let ingest = FakeIngest(assessments: [riskAssessment])
        try await withService(ingest) { client in
            try await client.execute(uri: "/fhir/RiskAssessment?patient=urn:oid:1.2.3%7CMRN-9", method: .get) { response in
                #expect(response.status == .ok)
                let root = try json(response).root
                #expect(root["type"]?.string == "searchset")
                #expect(root["total"]?.int == 1)
                #expect(root["entry"]?[0]?["fullUrl"]?.string == "RiskAssessment/ra-1")
                #expect(root["entry"]?[0]?["resource"]?["id"]?.string == "ra-1")
            }
            try await client.execute(uri: "/fhir/RiskAssessment?patient=Patient/42", method: .get) { _ in }
        }
        #expect(ingest.recorded.queries == [.identifier(PatientIdentifier(system: "urn:oid:1.2.3", value: "MRN-9")),
                                            .stored(StoredPatientID(rawValue: 42))])
    }

    @Test func riskAssessmentSearchWithoutPatientIs400() async throws {
        try await withService(FakeIngest()) { client in
            try await client.execute(uri: "/fhir/RiskAssessment", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func storeFailureIs500WithoutDetails() async throws {
        try await withService(FakeIngest(fails: true)) { client in
            try await client.execute(uri: "/fhir/RiskAssessment?patient=1", method: .get) { response in
                #expect(response.status == .internalServerError)
                let outcome = try json(response).root
                #expect(outcome["issue"]?[0]?["code"]?.string == "exception")
            }
        }
    }

    @Test func assessTakesTheStoredIdAndAnswersACollection() async throws {
        let ingest = FakeIngest(assessments: [riskAssessment])
        try await withService(ingest) { client in
            try await client.execute(uri: "/fhir/Patient/7/$assess", method: .post) { response in
                #expect(response.status == .ok)
                let root = try json(response).root
                #expect(root["type"]?.string == "collection")
                #expect(root["entry"]?.count == 1)
            }
            try await client.execute(uri: "/fhir/Patient/abc/$assess", method: .post) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(ingest.recorded.assessed == [.stored(StoredPatientID(rawValue: 7))])
    }

    @Test func postedTransactionBundleIsIngestedAndAnswered() async throws {
        var receipt = DocumentReceipt()
        receipt.stored = 12
        receipt.duplicates = 1
        let ingest = FakeIngest(documentReceipt: receipt)
        let bundle = try readSample("fhir/ptace-grade5.json")
        try await withService(ingest) { client in
            try await client.execute(uri: "/fhir", method: .post, body: ByteBuffer(bytes: bundle)) { response in
                #expect(response.status == .ok)
                let root = try json(response).root
                #expect(root["type"]?.string == "transaction-response")
                #expect(root["entry"]?.count == 13, "one response entry per request entry")
                #expect(root["entry"]?[0]?["response"]?["status"]?.string == "200 OK")
                #expect(root["entry"]?[0]?["response"]?["outcome"]?["issue"]?[0]?["diagnostics"]?.string?.hasPrefix("12 unit(s) stored, 1 already stored") == true)
            }
        }
        #expect(ingest.recorded.documents.count == 1)
        #expect(ingest.recorded.documents.first?.bytes == bundle)
    }

    @Test func transactionWithDeadLettersIs422() async throws {
        var receipt = DocumentReceipt()
        receipt.stored = 2
        receipt.deadLettered = [DeadLetterID(rawValue: 5)]
        try await withService(FakeIngest(documentReceipt: receipt)) { client in
            let body = #"{"resourceType":"Bundle","type":"transaction","entry":[]}"#
            try await client.execute(uri: "/fhir", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(text(response).contains("1 dead-lettered"))
            }
        }
    }

    @Test func collectionBundleIsAnsweredWithAnOperationOutcome() async throws {
        var receipt = DocumentReceipt()
        receipt.stored = 3
        try await withService(FakeIngest(documentReceipt: receipt)) { client in
            let body = #"{"resourceType":"Bundle","type":"collection","entry":[]}"#
            try await client.execute(uri: "/fhir", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let root = try json(response).root
                #expect(root["resourceType"]?.string == "OperationOutcome")
                #expect(root["issue"]?[0]?["severity"]?.string == "information")
            }
        }
    }

    @Test func nonBundleOrBrokenJSONIs400AndNotIngested() async throws {
        let ingest = FakeIngest()
        try await withService(ingest) { client in
            for body in [#"{"resourceType":"Patient"}"#, #"{"resourceType":"Bundle","type":"searchset"}"#, "{not json"] {
                try await client.execute(uri: "/fhir", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
        #expect(ingest.recorded.documents.isEmpty)
    }

    @Test func ingestFailureIs422() async throws {
        var receipt = DocumentReceipt()
        receipt.failure = "entry[3]: not a FHIR resource"
        try await withService(FakeIngest(documentReceipt: receipt)) { client in
            try await client.execute(uri: "/fhir", method: .post, body: ByteBuffer(string: #"{"resourceType":"Bundle","type":"collection"}"#)) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func metricsCountRequestsByRoutePatternNotPath() async throws {
        let metrics = ServiceMetrics()
        try await withService(FakeIngest(assessments: [riskAssessment]), metrics: metrics) { client in
            try await client.execute(uri: "/fhir/Patient/12345/$assess", method: .post) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let body = text(response)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(body.contains(#"tacebridge_http_requests_total{method="POST",route="/fhir/Patient/{id}/$assess",status="200"} 1"#))
                #expect(!body.contains("12345"), "no patient id in a label")
                #expect(body.contains("# TYPE tacebridge_mllp_ack_latency_seconds histogram"))
                #expect(body.contains("tacebridge_mllp_messages_received_total 0"))
            }
        }
    }
}
