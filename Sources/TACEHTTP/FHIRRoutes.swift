import Hummingbird
import Logging
import TACEIngest
import TACEJSON

/// The FHIR R4 REST routes: `POST /fhir`, `GET /fhir/RiskAssessment`, `POST /fhir/Patient/{id}/$assess`,
/// `GET /fhir/metadata`.
struct FHIRRoutes: Sendable {
    let ingest: any ClinicalIngest
    let maxBodyBytes: Int
    let authenticated: Bool
    let logger: Logger

    func register(on router: Router<TACERequestContext>) {
        router.post("/fhir") { request, context in try await self.postBundle(request, context: context) }
        router.get("/fhir/RiskAssessment") { request, _ in try await self.searchRiskAssessments(request) }
        router.post("/fhir/Patient/{id}/$assess") { _, context in try await self.assess(context) }
        router.get("/fhir/metadata") { _, _ in
            FHIRResponse.json(CapabilityStatement.json(authenticated: self.authenticated))
        }
    }

    /// A transaction or collection Bundle: every unit is committed or dead-lettered before the answer.
    func postBundle(_ request: Request, context: TACERequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let bytes = Array(buffer: body)
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(bytes)
        } catch {
            return FHIRResponse.operationOutcome(status: .badRequest, code: "structure",
                                                 diagnostics: "the body is not JSON: \(error.description)")
        }
        guard document.root["resourceType"]?.stringEquals("Bundle") == true,
              let type = document.root["type"]?.string, type == "transaction" || type == "collection" else {
            return FHIRResponse.operationOutcome(status: .badRequest, code: "invalid",
                                                 diagnostics: "POST /fhir takes a Bundle of type transaction or collection")
        }
        let entries = document.root["entry"]?.count ?? 0
        let receipt = await ingest.receiveDocument(bytes, name: "POST /fhir", from: context.peer)
        if let failure = receipt.failure {
            logger.notice("FHIR Bundle refused", metadata: ["reason": "\(failure)"])
            return FHIRResponse.operationOutcome(status: .unprocessableContent, code: "processing", diagnostics: failure)
        }
        let summary = IngestSummary(receipt)
        if type == "transaction" {
            guard receipt.deadLettered.isEmpty else {
                // Units are committed one by one, not all or nothing: say what was kept and what was not.
                return FHIRResponse.operationOutcome(status: .unprocessableContent, code: "processing",
                                                     diagnostics: summary.text + " The units that could not be used are in the dead-letter table; the others were committed.")
            }
            return FHIRResponse.json(TransactionResponse.json(entries: entries, summary: summary))
        }
        return FHIRResponse.json(summary.operationOutcome())
    }

    /// `patient=` (or `subject=`, `patient:identifier=`): `system|value`, `Patient/123` or `123`.
    func searchRiskAssessments(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        let raw = parameters.get("patient") ?? parameters.get("subject") ?? parameters.get("patient:identifier")
            ?? parameters.get("patient.identifier")
        guard let raw, let query = PatientQueryParsing.query(raw) else {
            return FHIRResponse.operationOutcome(status: .badRequest, code: "required",
                                                 diagnostics: "give patient=system|value (an identifier) or patient=<stored id>")
        }
        do {
            let resources = try await ingest.riskAssessments(for: query)
            return FHIRResponse.json(FHIRResponse.searchset(resources, type: "searchset", selfLink: "RiskAssessment"))
        } catch {
            logger.error("RiskAssessment search failed", metadata: ["error": "\(type(of: error))"])
            return FHIRResponse.operationOutcome(status: .internalServerError, code: "exception",
                                                 diagnostics: "the store could not be read; try again")
        }
    }

    /// Recomputes now; answers the current RiskAssessments as a collection Bundle.
    func assess(_ context: TACERequestContext) async throws -> Response {
        guard let id = context.parameters.get("id"), let query = PatientQueryParsing.storedID(id) else {
            return FHIRResponse.operationOutcome(status: .notFound, code: "not-found",
                                                 diagnostics: "Patient ids here are the store's numeric ids (see RiskAssessment.subject)")
        }
        do {
            let resources = try await ingest.assess(query)
            return FHIRResponse.json(FHIRResponse.searchset(resources, type: "collection", selfLink: nil))
        } catch {
            logger.error("$assess failed", metadata: ["error": "\(type(of: error))"])
            return FHIRResponse.operationOutcome(status: .internalServerError, code: "exception",
                                                 diagnostics: "the assessment could not be computed or stored; try again")
        }
    }
}

/// What a document's units became, as counts.
struct IngestSummary {
    var stored: Int
    var duplicates: Int
    var deadLettered: Int
    var skipped: [(kind: String, count: Int)]

    init(_ receipt: DocumentReceipt) {
        stored = receipt.stored
        duplicates = receipt.duplicates
        deadLettered = receipt.deadLettered.count
        skipped = receipt.skippedByKind.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var text: String {
        var s = "\(stored) unit(s) stored, \(duplicates) already stored, \(deadLettered) dead-lettered."
        if !skipped.isEmpty { s += " Not used: " + skipped.map { "\($0.count) \($0.kind)" }.joined(separator: ", ") + "." }
        return s
    }

    func operationOutcome() -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.field("resourceType", "OperationOutcome")
        w.key("issue")
        w.beginArray()
        w.beginObject()
        w.field("severity", deadLettered > 0 ? "warning" : "information")
        w.field("code", deadLettered > 0 ? "processing" : "informational")
        w.field("diagnostics", text)
        w.endObject()
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

/// A transaction-response Bundle: one entry per request entry, each `200 OK` (the server holds it now,
/// stored by this request or earlier), with the counts in the first entry's outcome.
enum TransactionResponse {
    static func json(entries: Int, summary: IngestSummary) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.field("resourceType", "Bundle")
        w.field("type", "transaction-response")
        if entries > 0 {
            w.key("entry")
            w.beginArray()
            for n in 0..<entries {
                w.beginObject()
                w.key("response")
                w.beginObject()
                w.field("status", "200 OK")
                if n == 0 {
                    w.key("outcome")
                    FHIRResponse.writeOperationOutcome(severity: "information", code: "informational", diagnostics: summary.text, into: &w)
                }
                w.endObject()
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }
}
