import TACEJSON
import TACEModel

/// A RiskAssessment that replaces an earlier one (issue 5: a recomputed, changed result). The new resource
/// is written with `status` `amended` and an extension naming the replaced resource by its identifier
/// (the writers create resources conditionally by identifier, so the server's id is not known here).
public struct Amendment: Sendable, Hashable {
    /// The extension's URL.
    public static let replacesExtension = TACECodeSystems.base + "/StructureDefinition/replaces"

    public var replacedIdentifierSystem: String
    public var replacedIdentifierValue: String

    public init(replacedIdentifierSystem: String, replacedIdentifierValue: String) {
        self.replacedIdentifierSystem = replacedIdentifierSystem
        self.replacedIdentifierValue = replacedIdentifierValue
    }

    /// Writes `status` (final, or amended with the extension) into an open RiskAssessment object.
    static func writeStatus(_ amendment: Amendment?, into json: inout JSONWriter) {
        guard let amendment else {
            json.key("status"); json.string("final")
            return
        }
        json.key("extension"); json.beginArray(); json.beginObject()
        json.key("url"); json.string(replacesExtension)
        json.key("valueReference"); json.beginObject()
        json.key("type"); json.string("RiskAssessment")
        json.key("identifier"); json.beginObject()
        json.key("system"); json.string(amendment.replacedIdentifierSystem)
        json.key("value"); json.string(amendment.replacedIdentifierValue)
        json.endObject()
        json.endObject()
        json.endObject(); json.endArray()
        json.key("status"); json.string("amended")
    }
}
