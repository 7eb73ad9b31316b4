import TACEJSON

/// CDS Hooks 2.0 discovery (clinical reference §10.1): the `p-tace` service, registered for `order-select`
/// and `order-sign` under the same id, with the prefetch it reads.
enum CDSDiscovery {
    static let serviceID = "p-tace"
    static let hooks = ["order-select", "order-sign"]
    static let title = "p-TACE refractoriness risk before TACE"
    static let description = "Computes the p-TACE score (vascularization pattern, ALBI grade, AFP, GGT, largest tumor size) when a TACE order is selected or signed."
    static let usageRequirements = "Requires imaging-derived vascularization pattern and largest tumor diameter recorded as Observations within the configured lookback (imaging 60 days, labs 30 days)."

    /// Prefetch key → FHIR query template (§10.1; `_sort=-date`, not the spec example's `sort:desc`).
    static let prefetch: [(key: String, template: String)] = [
        ("patient", "Patient/{{context.patientId}}"),
        ("afp", "Observation?patient={{context.patientId}}&code=http://loinc.org|1834-1,http://loinc.org|19176-7&_sort=-date&_count=1"),
        ("ggt", "Observation?patient={{context.patientId}}&code=http://loinc.org|2324-2&_sort=-date&_count=1"),
        ("albumin", "Observation?patient={{context.patientId}}&code=http://loinc.org|1751-7,http://loinc.org|61151-7,http://loinc.org|61152-5&_sort=-date&_count=1"),
        ("bilirubin", "Observation?patient={{context.patientId}}&code=http://loinc.org|1975-2,http://loinc.org|14631-6&_sort=-date&_count=1"),
        ("tumorSize", "Observation?patient={{context.patientId}}&code=http://loinc.org|21889-1&_sort=-date&_count=5"),
        ("vascPattern", "Observation?patient={{context.patientId}}&code=https://tacebridge.org/fhir/CodeSystem/hcc-imaging|vascularization-pattern&_sort=-date&_count=1"),
        ("hcc", "Condition?patient={{context.patientId}}&code=http://snomed.info/sct|109841003"),
    ]

    static func json() -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.key("services")
        w.beginArray()
        for hook in hooks {
            w.beginObject()
            w.field("hook", hook)
            w.field("id", serviceID)
            w.field("title", title)
            w.field("description", description)
            w.field("usageRequirements", usageRequirements)
            w.key("prefetch")
            w.beginObject()
            for (key, template) in prefetch { w.field(key, template) }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
