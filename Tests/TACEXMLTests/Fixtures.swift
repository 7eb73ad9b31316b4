import Testing
import TACEXML

/// Parses, returning the error (nil when the input parsed).
func xmlParseError(_ input: [UInt8], limits: XMLLimits = .default) -> XMLParseError? {
    do {
        _ = try XMLDocument.parse(input, limits: limits)
        return nil
    } catch {
        return error
    }
}

func xmlParseError(_ input: String, limits: XMLLimits = .default) -> XMLParseError? {
    xmlParseError(Array(input.utf8), limits: limits)
}

/// Every text node and attribute value of the document, concatenated: what a
/// reader could possibly get out of the tree.
func everythingReadable(_ document: XMLDocument) throws -> String {
    var out = ""
    for node in try document.select("//node() | //@*") {
        switch node.kind {
        case .attribute, .text, .comment, .processingInstruction:
            out += (try? node.text(maxBytes: 1 << 26)) ?? ""
        default:
            out += node.name
        }
    }
    return out
}

/// A small C-CDA document: one results organizer with two resulted (EVN)
/// observations and one ordered (RQO) observation that must not be read as a result.
let ccdaResultDocument = """
<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">
  <realmCode code="US"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>
  <id root="2.16.840.1.113883.19.5.99999.1" extension="TT988"/>
  <code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/>
  <recordTarget>
    <patientRole>
      <id root="2.16.840.1.113883.19.5.99999.2" extension="998991"/>
      <patient><name><given>Eve</given><family>Everywoman</family></name></patient>
    </patientRole>
  </recordTarget>
  <component>
    <structuredBody>
      <component>
        <section>
          <templateId root="2.16.840.1.113883.10.20.22.2.3.1"/>
          <code code="30954-2" codeSystem="2.16.840.1.113883.6.1"/>
          <title>Results</title>
          <text><![CDATA[Albumin 3.2 g/dL]]></text>
          <entry typeCode="DRIV">
            <organizer classCode="BATTERY" moodCode="EVN">
              <statusCode code="completed"/>
              <component>
                <observation classCode="OBS" moodCode="EVN">
                  <code code="1751-7" codeSystem="2.16.840.1.113883.6.1" displayName="Albumin"/>
                  <statusCode code="completed"/>
                  <effectiveTime value="20240105083000-0500"/>
                  <value xsi:type="PQ" value="3.2" unit="g/dL"/>
                </observation>
              </component>
              <component>
                <observation classCode="OBS" moodCode="EVN">
                  <code code="1975-2" codeSystem="2.16.840.1.113883.6.1" displayName="Bilirubin"/>
                  <statusCode code="completed"/>
                  <effectiveTime value="20240105083000-0500"/>
                  <value xsi:type="PQ" value="1.4" unit="mg/dL"/>
                </observation>
              </component>
              <component>
                <observation classCode="OBS" moodCode="RQO">
                  <code code="6301-6" codeSystem="2.16.840.1.113883.6.1" displayName="INR"/>
                  <value xsi:type="PQ" value="9.9" unit="1"/>
                </observation>
              </component>
            </organizer>
          </entry>
        </section>
      </component>
    </structuredBody>
  </component>
</ClinicalDocument>
"""
