import Hummingbird
import TACEFHIRReader
import TACEJSON
import TACEMappings
import TACEModel
import TACEScoring

/// The `p-tace` CDS service (clinical reference §10.2–10.3): on `order-select` / `order-sign` for a TACE
/// order, computes p-TACE from the request's prefetch and answers one card.
///
/// A TACE order is a draft `ServiceRequest` (the selected ones for order-select, all drafts for order-sign)
/// whose `code` has a coding that the mapping tables map to the concept `tace-procedure` (a site adds its
/// local order codes to codes.csv with `--mappings`). Any other order: `{"cards": []}`.
/// Prefetch is required (this service does not query the EHR's FHIR server): without it, 412.
struct CDSPTACEService: Sendable {
    let reader: FHIRReader
    let configuration: ScoringConfiguration
    let now: @Sendable () -> ClinicalTime

    init(mappings: MappingTables, configuration: ScoringConfiguration, now: @escaping @Sendable () -> ClinicalTime) {
        reader = FHIRReader(mappings: mappings, invalidPolicy: .skip)
        self.configuration = configuration
        self.now = now
    }

    /// Status and JSON body for one hook call.
    func respond(to body: [UInt8]) -> (status: HTTPResponse.Status, body: [UInt8]) {
        guard let document = try? JSONDocument.parse(body), document.root.kind == .object else {
            return (.badRequest, FHIRResponse.operationOutcomeBytes(severity: "error", code: "structure", diagnostics: "the request is not a JSON object"))
        }
        let request = document.root
        guard let hook = request["hook"]?.string, CDSDiscovery.hooks.contains(hook) else {
            return (.badRequest, FHIRResponse.operationOutcomeBytes(severity: "error", code: "not-supported",
                                                                    diagnostics: "hook must be one of " + CDSDiscovery.hooks.joined(separator: ", ")))
        }
        guard let context = request["context"], context.kind == .object, context["patientId"]?.string != nil,
              let drafts = context["draftOrders"], drafts.kind == .object else {
            return (.badRequest, FHIRResponse.operationOutcomeBytes(severity: "error", code: "required",
                                                                    diagnostics: "context.patientId and context.draftOrders are required"))
        }
        var selections: Set<String>?
        if hook == "order-select" {
            guard let list = context["selections"], list.kind == .array else {
                return (.badRequest, FHIRResponse.operationOutcomeBytes(severity: "error", code: "required",
                                                                        diagnostics: "context.selections is required for order-select"))
            }
            selections = Set(list.elements.compactMap(\.string))
        }
        guard hasTACEOrder(drafts, selections: selections) else { return (.ok, CDSCards.empty) }
        guard let prefetch = request["prefetch"], prefetch.kind == .object else {
            return (.preconditionFailed, FHIRResponse.operationOutcomeBytes(
                severity: "error", code: "required", diagnostics: "prefetch is required: this service does not query the FHIR server"))
        }
        var output = FHIRReadOutput()
        var unreadable: [String] = []
        for (key, value) in prefetch.members where value.kind == .object {
            let name = key
            var w = JSONWriter(pretty: false)
            w.raw(value)
            do {
                let part = try JSONDocument.parse(w.bytes)
                try reader.read(part, file: "prefetch." + name, format: .fhirJSON, into: &output)
            } catch {
                unreadable.append(name)
            }
        }
        let index = IndexDate(time: now(), source: .runTime)
        let assessment = PTACE.assess(observations: output.observations, index: index, configuration: configuration)
        return (.ok, CDSCards.json(for: assessment, unreadablePrefetch: unreadable))
    }

    /// Whether a considered draft order is a ServiceRequest coded as TACE.
    func hasTACEOrder(_ drafts: JSONValue, selections: Set<String>?) -> Bool {
        guard let entries = drafts["entry"], entries.kind == .array else { return false }
        for entry in entries.elements {
            guard let resource = entry["resource"], resource["resourceType"]?.stringEquals("ServiceRequest") == true else { continue }
            if let selections {
                guard let id = resource["id"]?.string, selections.contains("ServiceRequest/" + id) else { continue }
            }
            guard let codings = resource["code"]?["coding"], codings.kind == .array else { continue }
            for coding in codings.elements {
                guard let code = coding["code"]?.string else { continue }
                if reader.mappings.concept(system: coding["system"]?.string, code: code) == .tace { return true }
            }
        }
        return false
    }
}
