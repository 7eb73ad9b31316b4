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

    /// What MSH-9 says a message is, for reading its OBX.
    enum MessageKind: Equatable {
        /// An order or order response (its message code): OBX are order details.
        case order(String)
        /// Any other readable message code: OBX are results.
        case other
        /// No readable message code in MSH-9.1 nor MSH-9.3: OBX are not known to be results.
        case unreadable

        /// The order message code (from the closed list `orderMessageCodes`), nil for other messages.
        var orderCode: String? { if case .order(let code) = self { code } else { nil } }
    }

    /// A message code or trigger event as HL7 writes them: three ASCII letters or digits, upper-cased.
    static func messageCode(_ text: String?) -> String? {
        guard let text else { return nil }
        let upper = text.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }) else { return nil }
        return upper
    }

    /// MSH-9.1 (any case), else the message structure's code (MSH-9.3 `OML_O21` → `OML`). A message
    /// code is three ASCII letters or digits; either part naming an order message makes it one.
    static func kind(of type: HL7MessageType) -> MessageKind {
        let code = messageCode
        let structureCode = type.structure.flatMap { s in s.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) }
        let codes = [code(type.code), code(structureCode)].compactMap { $0 }
        if let order = codes.first(where: { orderMessageCodes.contains($0) }) { return .order(order) }
        return code(type.code) == nil && code(structureCode) == nil ? .unreadable : .other
    }

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
        let typeName = "HL7 v2 " + (Self.messageCode(type.code) != nil && Self.messageCode(type.triggerEvent) != nil ? typeText : "(unreadable MSH-9)")
        out.report.resourcesByType[typeName, default: 0] += 1
        let prefix = "message \(message.index)"
        let kind = Self.kind(of: type)
        let isOrder = kind.orderCode != nil
        // MSH-10 identifies the message; without one, the file and the message's position do, so two
        // messages without control id never share record keys (and output ids).
        let controlID = message.header[10].string
        let key = message.header[3].string + "|" + message.header[4].string + "|"
            + (controlID.isEmpty ? file + "#message-\(message.index)" : controlID)
        let locationPrefix = prefix + " OBX[", recordKeyPrefix = key + "#OBX-"

        var identity: PatientIdentity? = nil
        var obr: (segment: HL7Segment, index: Int, occurrence: Int, results: Int, suffix: String)? = nil
        // Counted here and added to the report once per message.
        var obrCount = 0, obxCount = 0, pr1Count = 0
        defer {
            if obrCount > 0 { out.report.resourcesByType["OBR", default: 0] += obrCount }
            if pr1Count > 0 { out.report.resourcesByType["PR1", default: 0] += pr1Count }
            if obxCount > 0 { out.report.resourcesByType["OBX", default: 0] += obxCount }
        }

        func closeOBR(_ out: inout FHIRReadOutput) {
            guard let group = obr else { return }
            let location = prefix + " OBR[\(group.occurrence)]" + group.suffix
            let status = group.segment[25].component(1).string
            if isOrder {
                skip(&out, file, location, "OBR", .orderNotResult, "OBR of an order message (\(kind.orderCode ?? ""))")
            } else if group.results > 0 {
                return  // a result group: its OBX are read and counted one by one
            } else if status.isEmpty {
                skip(&out, file, location, "OBR", .orderNotResult, "OBR without result status (OBR-25) and without OBX: an order")
            } else {
                skip(&out, file, location, "OBR", .noValue, "OBR with result status \(echoable(status, oneOf: resultStatusCodes)) but no OBX")
            }
        }

        try message.withView { (view) throws(HL7v2ReadError) in
            var systems = CodingSystemCache()
            var context = ResultContext(file: file, locationPrefix: locationPrefix, recordKeyPrefix: recordKeyPrefix, occurrence: 0,
                                        identity: nil, obr: nil, notes: [], wantsDetails: true, locationSuffix: "")
            var index = 0
            while index < view.segmentCount {
                let segment = index
                index += 1
                switch view.segmentID(segment) {
                case .pid:
                    // A new patient group: the previous group's OBR (and its time) no longer applies.
                    closeOBR(&out)
                    obr = nil
                    identity = patientIdentity(view, segment)
                case .obr:
                    closeOBR(&out)
                    obrCount += 1
                    obr = (message.segments[segment], segment, obrCount, 0, locate?(message.index, segment) ?? "")
                case .obx:
                    obxCount += 1
                    obr?.results += 1
                    var notes: [String] = []
                    while index < view.segmentCount, view.segmentID(index) == .nte {
                        let text = noteText(view, index)
                        if !text.isEmpty { notes.append(text) }
                        index += 1
                    }
                    // One context per message, updated per OBX (making one per OBX retained its strings each time).
                    context.occurrence = obxCount
                    context.identity = identity
                    context.obr = obr?.index
                    context.notes = notes
                    context.wantsDetails = out.report.listsItems
                    context.locationSuffix = locate?(message.index, segment) ?? ""
                    if kind == .unreadable {
                        out.report.skip(.invalidResource, SkippedItem(
                            file: file, location: context.location, resourceType: "OBX", kind: .invalidResource,
                            detail: "OBX in a message whose type (MSH-9.1, MSH-9.3) is empty or not a message code: not known to be a result"))
                        continue
                    }
                    if isOrder {
                        out.report.skip(.orderNotResult, SkippedItem(
                            file: file, location: context.location, resourceType: "OBX", kind: .orderNotResult,
                            detail: "OBX in an order message (\(kind.orderCode ?? "")): an order detail"))
                        continue
                    }
                    do throws(InvalidField) {
                        if let o = try readOBX(view, segment, context: context, systems: &systems, into: &out) {
                            out.observations.append(o)
                            out.report.observationsProduced += 1
                        }
                    } catch {
                        let where_ = context.numbered(context.locationPrefix, obxCount, "]-") + String(error.field) + context.locationSuffix
                        if invalidPolicy == .fail {
                            throw HL7v2ReadError(file: file, location: where_, reason: error.reason)
                        }
                        skip(&out, file, where_, "OBX", .invalidResource, error.reason)
                    }
                case .pr1:
                    pr1Count += 1
                    let location = prefix + " PR1[\(pr1Count)]" + (locate?(message.index, segment) ?? "")
                    do throws(InvalidField) {
                        switch try readPR1(message.segments[segment], location: location, recordKey: key + "#PR1-\(pr1Count)",
                                           file: file, identity: identity) {
                        case .success(let o):
                            out.observations.append(o)
                            out.report.observationsProduced += 1
                        case .failure(let unused):
                            skip(&out, file, location, "PR1", unused.kind, unused.detail)
                        }
                    } catch {
                        if invalidPolicy == .fail {
                            throw HL7v2ReadError(file: file, location: location + "-" + String(error.field), reason: error.reason)
                        }
                        skip(&out, file, location + "-" + String(error.field), "PR1", .invalidResource, error.reason)
                    }
                default:
                    continue
                }
            }
        }
        closeOBR(&out)
    }

    /// NTE-3, its repetitions joined by line breaks.
    func noteText(_ view: HL7MessageView, _ nte: Int) -> String {
        let comment = view.field(nte, 3)
        let count = view.repetitionCount(comment)
        if count == 1 { return view.string(view.repetition(comment, 1)) }
        return (0..<count).map { view.string(view.repetition(comment, $0 + 1)) }.joined(separator: "\n")
    }

    /// PID-3: every repetition with a CX.1 value, its CX.4 assigning authority mapped to a system.
    func patientIdentity(_ view: HL7MessageView, _ pid: Int) -> PatientIdentity? {
        var identifiers: [PatientIdentifier] = []
        let field = view.field(pid, 3)
        for repetition in 0..<view.repetitionCount(field) {
            let cx = view.components(of: view.repetition(field, repetition + 1))
            let value = FieldText(view, cx, 1)
            guard !value.isEmpty else { continue }
            let authority = view.subcomponents(of: cx[4])
            identifiers.append(PatientIdentifier(
                system: identifierSystem(namespace: FieldText(view, authority, 1).string,
                                         universalID: FieldText(view, authority, 2).string,
                                         universalIDType: FieldText(view, authority, 3).string),
                value: value.string))
        }
        return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
    }

    /// The identifier system of an HD assigning authority: a table row for the namespace, else for
    /// the universal id; else `urn:oid:` for an ISO universal id; else
    /// `urn:tacebridge:hl7v2-authority:<namespace or universal id>`; nil without an authority.
    public func identifierSystem(namespace: String, universalID: String, universalIDType: String) -> String? {
        if !namespace.isEmpty, let s = mappings.identifierSystem(assigningAuthority: namespace) { return s }
        if !universalID.isEmpty, let s = mappings.identifierSystem(assigningAuthority: universalID) { return s }
        if !universalID.isEmpty, isISO(universalIDType), isOID(universalID) { return "urn:oid:" + universalID }
        if !namespace.isEmpty { return Self.unmappedAuthorityPrefix + namespace }
        if !universalID.isEmpty { return Self.unmappedAuthorityPrefix + universalID }
        return nil
    }

    public static let unmappedAuthorityPrefix = "urn:tacebridge:hl7v2-authority:"

    /// Whether an HD universal id type is `ISO` in any case (as `uppercased() == "ISO"`, without
    /// making a String for the usual three ASCII letters).
    func isISO(_ type: String) -> Bool {
        let utf8 = type.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return type.uppercased() == "ISO" }
        return utf8.count == 3 && utf8.elementsEqual("ISO".utf8, by: { FieldText.upper($0) == $1 })
    }

    func skip(_ out: inout FHIRReadOutput, _ file: String, _ location: String, _ type: String, _ kind: SkipKind, _ detail: String) {
        out.report.skip(SkippedItem(file: file, location: location, resourceType: type, kind: kind, detail: detail))
    }
}

/// Digits separated by single dots, starting with a digit: `2.16.840.1.113883.19`.
func isOID(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in  // contiguous bytes: iterating String.utf8 costs far more
        var previousDot = true
        for b in bytes {
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
