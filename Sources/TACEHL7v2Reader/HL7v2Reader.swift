import TACEFHIRReader
import TACEHL7v2
import TACEMappings
import TACEModel

/// HL7 v2 content that cannot be read where it is used: a field that breaks its data type
/// (a DTM that is no date, an OBX-11 outside table 0085). Carries where and why, never values.
public struct HL7v2ReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// `message 2 OBX[3]-14`: message index in the file, segment occurrence and field.
    public var location: String
    public var reason: String
    public var description: String { "\(file): \(location): \(reason)" }
}

/// Reads parsed HL7 v2 messages (ORU^R01 and every other message carrying OBX results) into
/// typed observations through the mapping tables, into the same `FHIRReadOutput` and `ReadReport`
/// the FHIR reader fills, so the pipeline handles both alike.
///
/// Orders never become observations: OBX in order messages (ORM, OML, …), OBX with status `O`
/// and OBR groups without results are counted as `order-not-result`. Everything else that is not
/// used is counted by kind, with a location such as `message 1 OBX[3]`.
public struct HL7v2Reader: Sendable {
    public var mappings: MappingTables
    public var invalidPolicy: InvalidResourcePolicy
    /// The provenance format of what is read: `.hl7v2ER7`, or `.hl7v2XML` for messages that came
    /// from the XML encoding (TACEHL7v2XML builds the same message model from it).
    public var sourceFormat: SourceFormat

    public init(mappings: MappingTables, invalidPolicy: InvalidResourcePolicy = .fail, sourceFormat: SourceFormat = .hl7v2ER7) {
        self.mappings = mappings
        self.invalidPolicy = invalidPolicy
        self.sourceFormat = sourceFormat
    }

    /// Where segment `segment` (0-based, MSH is 0) of message `message` (1-based) is in a source
    /// that is not ER7, such as ` (line 12: /v2:ORU_R01/v2:OBX[1])` for HL7 v2 XML. The text is
    /// appended to every location the reader reports for that segment; nil appends nothing.
    public typealias SegmentLocator = (_ message: Int, _ segment: Int) -> String?

    /// Message codes (MSH-9.1) of orders and order responses: their OBX are order details.
    static let orderMessageCodes: Set<String> = [
        "ORM", "ORR", "OML", "ORL", "OMG", "ORG", "OMI", "ORI", "OMB", "ORB", "OMD", "ORD", "OMN", "ORN",
        "OMP", "ORP", "OMS", "ORS", "OMQ", "OSM", "OSU", "RDE", "RRE", "RDO", "RRO", "OPL", "OPR",
    ]

    /// Reads every message of an interchange.
    public func read(_ interchange: HL7Interchange, file: String, locate: SegmentLocator? = nil,
                     into output: inout FHIRReadOutput) throws(HL7v2ReadError) {
        for message in interchange.messages {
            try read(message, file: file, locate: locate, into: &output)
        }
    }

    /// Reads one message.
    public func read(_ message: HL7Message, file: String, locate: SegmentLocator? = nil,
                     into out: inout FHIRReadOutput) throws(HL7v2ReadError) {
        let type = message.messageType
        let typeText = (type.code ?? "?") + "^" + (type.triggerEvent ?? "?")
        // Counted by type in the report: a misaligned MSH must not put arbitrary text there.
        let typeName = "HL7 v2 " + (echoable(typeText).hasPrefix("'") ? typeText : "(unreadable MSH-9)")
        out.report.resourcesByType[typeName, default: 0] += 1
        let prefix = "message \(message.index)"
        let isOrder = type.code.map { Self.orderMessageCodes.contains($0) } ?? false
        let key = message.header[3].string + "|" + message.header[4].string + "|" + message.header[10].string

        var identity: PatientIdentity? = nil
        var obr: (segment: HL7Segment, occurrence: Int, results: Int, suffix: String)? = nil
        var occurrences: [String: Int] = [:]
        let segments = message.segments

        func closeOBR(_ out: inout FHIRReadOutput) {
            guard let group = obr else { return }
            let location = prefix + " OBR[\(group.occurrence)]" + group.suffix
            let status = group.segment[25].component(1).string
            if isOrder {
                skip(&out, file, location, "OBR", .orderNotResult, "OBR of an order message (\(echoable(type.description)))")
            } else if group.results > 0 {
                return  // a result group: its OBX are read and counted one by one
            } else if status.isEmpty {
                skip(&out, file, location, "OBR", .orderNotResult, "OBR without result status (OBR-25) and without OBX: an order")
            } else {
                skip(&out, file, location, "OBR", .noValue, "OBR with result status \(echoable(status)) but no OBX")
            }
        }

        var index = 0
        while index < segments.count {
            let segment = segments[index]
            let id = segment.id
            let occurrence = (occurrences[id] ?? 0) + 1
            occurrences[id] = occurrence
            let suffix = locate?(message.index, index) ?? ""
            index += 1
            switch id {
            case "PID":
                // A new patient group: the previous group's OBR (and its time) no longer applies.
                closeOBR(&out)
                obr = nil
                identity = patientIdentity(segment)
            case "OBR":
                closeOBR(&out)
                out.report.resourcesByType["OBR", default: 0] += 1
                obr = (segment, occurrence, 0, suffix)
            case "OBX":
                out.report.resourcesByType["OBX", default: 0] += 1
                obr?.results += 1
                var notes: [String] = []
                while index < segments.count, segments[index].id == "NTE" {
                    let nte = segments[index]
                    occurrences["NTE", default: 0] += 1
                    let text = nte[3].repetitions.map(\.string).joined(separator: "\n")
                    if !text.isEmpty { notes.append(text) }
                    index += 1
                }
                let location = prefix + " OBX[\(occurrence)]" + suffix
                if isOrder {
                    skip(&out, file, location, "OBX", .orderNotResult, "OBX in an order message (\(echoable(type.description))): an order detail")
                    continue
                }
                do throws(InvalidField) {
                    let context = ResultContext(file: file, location: location, recordKey: key + "#OBX-\(occurrence)",
                                                identity: identity, obr: obr?.segment, notes: notes)
                    if let o = try readOBX(segment, context: context, into: &out) {
                        out.observations.append(o)
                        out.report.observationsProduced += 1
                    }
                } catch {
                    let where_ = prefix + " OBX[\(occurrence)]-" + String(error.field) + suffix
                    if invalidPolicy == .fail {
                        throw HL7v2ReadError(file: file, location: where_, reason: error.reason)
                    }
                    skip(&out, file, where_, "OBX", .invalidResource, error.reason)
                }
            default:
                continue
            }
        }
        closeOBR(&out)
    }

    /// PID-3: every repetition with a CX.1 value, its CX.4 assigning authority mapped to a system.
    func patientIdentity(_ pid: HL7Segment) -> PatientIdentity? {
        var identifiers: [PatientIdentifier] = []
        for repetition in pid[3].repetitions {
            let value = repetition.component(1).string.trimmed
            guard !value.isEmpty else { continue }
            let authority = repetition.component(4)
            identifiers.append(PatientIdentifier(
                system: identifierSystem(namespace: authority.subcomponent(1).string.trimmed,
                                         universalID: authority.subcomponent(2).string.trimmed,
                                         universalIDType: authority.subcomponent(3).string.trimmed),
                value: value))
        }
        return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
    }

    /// The identifier system of an HD assigning authority: a table row for the namespace, else for
    /// the universal id; else `urn:oid:` for an ISO universal id; else
    /// `urn:tacebridge:hl7v2-authority:<namespace or universal id>`; nil without an authority.
    public func identifierSystem(namespace: String, universalID: String, universalIDType: String) -> String? {
        if !namespace.isEmpty, let s = mappings.identifierSystem(assigningAuthority: namespace) { return s }
        if !universalID.isEmpty, let s = mappings.identifierSystem(assigningAuthority: universalID) { return s }
        if !universalID.isEmpty, universalIDType.uppercased() == "ISO", isOID(universalID) { return "urn:oid:" + universalID }
        if !namespace.isEmpty { return Self.unmappedAuthorityPrefix + namespace }
        if !universalID.isEmpty { return Self.unmappedAuthorityPrefix + universalID }
        return nil
    }

    public static let unmappedAuthorityPrefix = "urn:tacebridge:hl7v2-authority:"

    func skip(_ out: inout FHIRReadOutput, _ file: String, _ location: String, _ type: String, _ kind: SkipKind, _ detail: String) {
        out.report.skip(SkippedItem(file: file, location: location, resourceType: type, kind: kind, detail: detail))
    }
}

/// Digits separated by single dots, starting with a digit: `2.16.840.1.113883.19`.
func isOID(_ text: String) -> Bool {
    var previousDot = true
    for b in text.utf8 {
        if b == 0x2E {
            if previousDot { return false }
            previousDot = true
        } else if b >= 0x30 && b <= 0x39 {
            previousDot = false
        } else {
            return false
        }
    }
    return !previousDot
}

extension String {
    /// Without surrounding spaces and tabs.
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s.count == count ? self : String(s)
    }
}
