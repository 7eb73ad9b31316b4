import TACEModel

/// Generates synthetic C-CDA documents in the shape real ones have: a full header, a Results
/// section with a narrative table and one Result Organizer per draw (8 Result Observations with
/// templateIds, originalText references, interpretation and reference range), a Findings section
/// with the p-TACE imaging observations, and a Procedures section with the TACE session.
/// Deterministic (seeded), all data invented.
struct CDAGenerator {
    var rng = CorpusGenerator()
    static let project = "2.25.266675152872840268072037486434022479387"

    mutating func document(patient p: Int, draws: Int) -> [UInt8] {
        var out = ""
        out.reserveCapacity(64 << 10)
        let base = ClinicalTime(year: 2024, month: 3, day: 1, hour: 9, utcOffsetSeconds: 3600)
        let tace = base.adding(days: Double(p % 300))
        func ts(_ t: ClinicalTime) -> String {
            // YYYYMMDDHHMMSS+0100 from the FHIR form.
            let f = Array(t.fhirDateTime.utf8)
            let digits = f.filter { $0 >= 0x30 && $0 <= 0x39 }
            return String(decoding: digits.prefix(14), as: UTF8.self) + "+0100"
        }
        out += """
        <?xml version="1.0" encoding="UTF-8"?>
        <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">
          <realmCode code="US"/>
          <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
          <templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>
          <templateId root="2.16.840.1.113883.10.20.22.1.2" extension="2015-08-01"/>
          <id root="2.999.60.1" extension="BENCH-DOC-\(p)"/>
          <code code="34133-9" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Summarization of Episode Note"/>
          <title>Continuity of Care Document</title>
          <effectiveTime value="\(ts(tace))"/>
          <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
          <languageCode code="en-US"/>
          <recordTarget>
            <patientRole>
              <id root="2.999.1.2.3" extension="BENCH-\(100000 + p)"/>
              <addr use="HP"><streetAddressLine>\(p) Synthetic Street</streetAddressLine><city>Testville</city><state>TS</state><postalCode>00000</postalCode><country>US</country></addr>
              <telecom value="tel:+1(555)555-0000" use="HP"/>
              <patient>
                <name use="L"><given>Bench\(p)</given><family>Synthetic</family></name>
                <administrativeGenderCode code="\(p % 2 == 0 ? "F" : "M")" codeSystem="2.16.840.1.113883.5.1" displayName="\(p % 2 == 0 ? "Female" : "Male")"/>
                <birthTime value="1955061\(p % 10)"/>
                <raceCode code="2106-3" codeSystem="2.16.840.1.113883.6.238" displayName="White"/>
                <ethnicGroupCode code="2186-5" codeSystem="2.16.840.1.113883.6.238" displayName="Not Hispanic or Latino"/>
                <languageCommunication><languageCode code="en"/><preferenceInd value="true"/></languageCommunication>
              </patient>
              <providerOrganization><id root="2.999.60"/><name>Synthetic Hospital</name><telecom value="tel:+1(555)555-0001" use="WP"/><addr><streetAddressLine>1 Main St</streetAddressLine><city>Testville</city><state>TS</state><postalCode>00000</postalCode><country>US</country></addr></providerOrganization>
            </patientRole>
          </recordTarget>
          <author>
            <time value="\(ts(tace))"/>
            <assignedAuthor><id root="2.16.840.1.113883.4.6" extension="999999999"/><addr><streetAddressLine>1 Main St</streetAddressLine><city>Testville</city><state>TS</state><postalCode>00000</postalCode><country>US</country></addr><telecom value="tel:+1(555)555-0002" use="WP"/><assignedPerson><name><given>Author</given><family>Synthetic</family></name></assignedPerson></assignedAuthor>
          </author>
          <custodian><assignedCustodian><representedCustodianOrganization><id root="2.999.60"/><name>Synthetic Hospital</name><telecom value="tel:+1(555)555-0001" use="WP"/><addr><streetAddressLine>1 Main St</streetAddressLine><city>Testville</city><state>TS</state><postalCode>00000</postalCode><country>US</country></addr></representedCustodianOrganization></assignedCustodian></custodian>
          <documentationOf><serviceEvent classCode="PCPR"><effectiveTime><low value="\(ts(base.adding(days: -60)))"/><high value="\(ts(tace))"/></effectiveTime></serviceEvent></documentationOf>
          <component>
            <structuredBody>
              <component>
                <section>
                  <templateId root="2.16.840.1.113883.10.20.22.2.3.1" extension="2015-08-01"/>
                  <code code="30954-2" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Relevant diagnostic tests and/or laboratory data"/>
                  <title>Results</title>

        """
        var values: [[Double]] = []
        for _ in 0..<draws {
            values.append(CorpusGenerator.labs.map { lab in (rng.uniform(lab.lo, lab.hi) * 100).rounded() / 100 })
        }
        out += "          <text><table border=\"1\" width=\"100%\"><thead><tr><th>Test</th><th>Result</th><th>Unit</th><th>Date</th></tr></thead><tbody>\n"
        for k in 0..<draws {
            let when = ts(tace.adding(days: -Double(2 + k * 9)))
            for (i, lab) in CorpusGenerator.labs.enumerated() {
                out += "            <tr ID=\"r\(k)-\(i)\"><td ID=\"n\(k)-\(i)\">\(lab.display)</td><td>\(values[k][i])</td><td>\(lab.unit)</td><td>\(when)</td></tr>\n"
            }
        }
        out += "          </tbody></table></text>\n"
        for k in 0..<draws {
            let when = ts(tace.adding(days: -Double(2 + k * 9)))
            out += """
                      <entry typeCode="DRIV">
                        <organizer classCode="BATTERY" moodCode="EVN">
                          <templateId root="2.16.840.1.113883.10.20.22.4.1"/>
                          <templateId root="2.16.840.1.113883.10.20.22.4.1" extension="2015-08-01"/>
                          <id root="2.999.60.2" extension="\(p)-panel-\(k)"/>
                          <code code="24325-3" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Hepatic function panel"/>
                          <statusCode code="completed"/>
                          <effectiveTime><low value="\(when)"/><high value="\(when)"/></effectiveTime>

            """
            for (i, lab) in CorpusGenerator.labs.enumerated() {
                out += """
                              <component>
                                <observation classCode="OBS" moodCode="EVN">
                                  <templateId root="2.16.840.1.113883.10.20.22.4.2"/>
                                  <templateId root="2.16.840.1.113883.10.20.22.4.2" extension="2015-08-01"/>
                                  <id root="2.999.60.3" extension="\(p)-\(k)-\(i)"/>
                                  <code code="\(lab.code)" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="\(lab.display)"><originalText><reference value="#n\(k)-\(i)"/></originalText></code>
                                  <text><reference value="#r\(k)-\(i)"/></text>
                                  <statusCode code="completed"/>
                                  <effectiveTime value="\(when)"/>
                                  <value xsi:type="PQ" value="\(values[k][i])" unit="\(lab.unit)"/>
                                  <interpretationCode code="N" codeSystem="2.16.840.1.113883.5.83" displayName="Normal"/>
                                  <author><time value="\(when)"/><assignedAuthor><id root="2.999.60.4" extension="LAB-1"/><representedOrganization><name>Synthetic Laboratory</name></representedOrganization></assignedAuthor></author>
                                  <referenceRange><observationRange><value xsi:type="IVL_PQ"><low value="\(lab.lo)" unit="\(lab.unit)"/><high value="\(lab.hi)" unit="\(lab.unit)"/></value><interpretationCode code="N" codeSystem="2.16.840.1.113883.5.83"/></observationRange></referenceRange>
                                </observation>
                              </component>

                """
            }
            out += "            </organizer>\n          </entry>\n"
        }
        let imaging = ts(tace.adding(days: -12))
        let type = rng.pick(["type-1", "type-2", "type-3", "type-4"])
        let size = Int(rng.uniform(12, 110).rounded())
        out += """
                    </section>
                  </component>
                  <component>
                    <section>
                      <templateId root="2.16.840.1.113883.10.20.6.1.2"/>
                      <code code="121070" codeSystem="1.2.840.10008.2.16.4" codeSystemName="DCM" displayName="Findings"/>
                      <title>Findings</title>
                      <text><paragraph>Largest lesion \(size) mm, vascularization \(type).</paragraph></text>
                      <entry>
                        <observation classCode="OBS" moodCode="EVN">
                          <id root="2.999.60.5" extension="\(p)-vasc"/>
                          <code code="vascularization-pattern" codeSystem="\(Self.project).1.1"/>
                          <statusCode code="completed"/>
                          <effectiveTime value="\(imaging)"/>
                          <value xsi:type="CD" code="\(type)" codeSystem="\(Self.project).2.1"/>
                        </observation>
                      </entry>
                      <entry>
                        <observation classCode="OBS" moodCode="EVN">
                          <id root="2.999.60.5" extension="\(p)-size"/>
                          <code code="33728-7" codeSystem="2.16.840.1.113883.6.1" displayName="Size.maximum dimension in Tumor"/>
                          <statusCode code="completed"/>
                          <effectiveTime value="\(imaging)"/>
                          <value xsi:type="PQ" value="\(size)" unit="mm"/>
                        </observation>
                      </entry>
                      <entry>
                        <observation classCode="OBS" moodCode="EVN">
                          <id root="2.999.60.5" extension="\(p)-count"/>
                          <code code="tumor-count" codeSystem="\(Self.project).1.1"/>
                          <statusCode code="completed"/>
                          <effectiveTime value="\(imaging)"/>
                          <value xsi:type="INT" value="\(1 + p % 4)"/>
                        </observation>
                      </entry>
                    </section>
                  </component>
                  <component>
                    <section>
                      <templateId root="2.16.840.1.113883.10.20.22.2.7.1" extension="2014-06-09"/>
                      <code code="47519-4" codeSystem="2.16.840.1.113883.6.1" displayName="History of Procedures"/>
                      <title>Procedures</title>
                      <text>Transarterial chemoembolization.</text>
                      <entry>
                        <procedure classCode="PROC" moodCode="EVN">
                          <templateId root="2.16.840.1.113883.10.20.22.4.14" extension="2014-06-09"/>
                          <id root="2.999.60.6" extension="\(p)-tace"/>
                          <code code="tace" codeSystem="\(Self.project).1.3" displayName="Transarterial chemoembolization"/>
                          <statusCode code="completed"/>
                          <effectiveTime value="\(ts(tace))"/>
                        </procedure>
                      </entry>
                    </section>
                  </component>
                </structuredBody>
              </component>
            </ClinicalDocument>

            """
        return Array(out.utf8)
    }
}
