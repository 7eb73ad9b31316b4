import Hummingbird
import TACEJSON

/// FHIR JSON responses: the content type, OperationOutcomes and Bundles the HTTP routes answer with.
enum FHIRResponse {
    static let contentType = "application/fhir+json; charset=utf-8"

    /// A response with a JSON body.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, contentType: String = FHIRResponse.contentType) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An OperationOutcome with one issue. `diagnostics` must not hold patient data.
    static func operationOutcome(status: HTTPResponse.Status, severity: String = "error", code: String, diagnostics: String) -> Response {
        json(operationOutcomeBytes(severity: severity, code: code, diagnostics: diagnostics), status: status)
    }

    static func operationOutcomeBytes(severity: String, code: String, diagnostics: String) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        writeOperationOutcome(severity: severity, code: code, diagnostics: diagnostics, into: &w)
        return w.bytes
    }

    static func writeOperationOutcome(severity: String, code: String, diagnostics: String, into w: inout JSONWriter) {
        w.beginObject()
        w.field("resourceType", "OperationOutcome")
        w.key("issue")
        w.beginArray()
        w.beginObject()
        w.field("severity", severity)
        w.field("code", code)
        w.field("diagnostics", diagnostics)
        w.endObject()
        w.endArray()
        w.endObject()
    }

    /// A Bundle (`searchset` or `collection`) of `resources` (each one FHIR resource as JSON bytes). Resources that do not
    /// parse are left out (the ingest layer wrote them, so that is a bug there) and counted in `total`
    /// only if kept.
    static func searchset(_ resources: [[UInt8]], type: String, selfLink: String?) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        let documents = resources.compactMap { try? JSONDocument.parse($0) }
        w.beginObject()
        w.field("resourceType", "Bundle")
        w.field("type", type)
        if type == "searchset" { w.field("total", documents.count) }
        if let selfLink {
            w.key("link")
            w.beginArray()
            w.beginObject()
            w.field("relation", "self")
            w.field("url", selfLink)
            w.endObject()
            w.endArray()
        }
        if !documents.isEmpty {
            w.key("entry")
            w.beginArray()
            for document in documents {
                w.beginObject()
                if let type = document.root["resourceType"]?.string, let id = document.root["id"]?.string {
                    w.field("fullUrl", type + "/" + id)
                }
                w.field("resource", document.root)
                if type == "searchset" {
                    w.key("search")
                    w.beginObject()
                    w.field("mode", "match")
                    w.endObject()
                }
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }
}
