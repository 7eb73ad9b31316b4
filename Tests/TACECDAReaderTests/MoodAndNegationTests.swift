import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACECDAReader

/// Only events are results: orders, intents, goals and negated statements never become observations.
@Suite("CDA moodCode and negationInd")
struct MoodAndNegationTests {
    static let albumin = #"<value xsi:type="PQ" value="3.9" unit="g/dL"/>"#

    @Test(arguments: ["RQO", "INT", "PRMS", "PRP", "GOL", "APT", "ARQ", "DEF", "EVN.CRT"])
    func observationThatIsNotAnEventIsAnOrderNotAResult(mood: String) throws {
        let item = try onlySkip(readOne(observation(mood: mood, value: Self.albumin)))
        #expect(item.kind == .orderNotResult)
        #expect(item.detail.contains("'\(mood)'"))
    }

    @Test(arguments: ["RQO", "INT", "PRMS", "PRP", "APT", "ARQ"])
    func procedureThatIsNotAnEventIsNoTACESession(mood: String) throws {
        let item = try onlySkip(read(xml: document([tace(mood: mood)])))
        #expect(item.kind == .orderNotResult)
    }

    @Test func eventInsideAnOrderOrganizerIsPartOfTheOrder() throws {
        let organizer = """
        <organizer classCode="BATTERY" moodCode="RQO"><code code="24325-3" codeSystem="\(loinc)"/>
          <component>\(observation(value: Self.albumin))</component></organizer>
        """
        let item = try onlySkip(read(xml: document([organizer])))
        #expect(item.kind == .orderNotResult && item.detail.contains("nested"))
    }

    @Test func eventNestedInAPlannedActIsNotAResult() throws {
        let act = """
        <act classCode="ACT" moodCode="INT"><code code="X" codeSystem="2.999.77"/>
          <entryRelationship typeCode="COMP">\(observation(value: Self.albumin))</entryRelationship></act>
        """
        #expect(try onlySkip(read(xml: document([act]))).kind == .orderNotResult)
    }

    @Test func statementWithoutMoodCodeIsInvalid() throws {
        let noMood = observation(value: Self.albumin).replacingOccurrences(of: #" moodCode="EVN""#, with: "")
        #expect(throws: CDAReadError.self) { try readOne(noMood) }
        do {
            _ = try readOne(noMood)
        } catch let error as CDAReadError {
            #expect(error.location.hasSuffix("/observation/@moodCode (line 11)"))
        }
        let skipped = try read(xml: document([noMood]), policy: .skip)
        #expect(skipped.observations.isEmpty && skipped.report.skippedByKind[.invalidResource] == 1)
    }

    @Test func negatedObservationIsNeverAPositiveResult() throws {
        let negated = observation(code: "extrahepatic-spread", system: imaging,
                                  value: "<value xsi:type=\"CD\" code=\"present\" codeSystem=\"\(project).2.4\"/>",
                                  attributes: #" negationInd="true""#)
        let item = try onlySkip(readOne(negated))
        #expect(item.kind == .negated)
        // negationInd="false" is an ordinary result.
        let plain = negated.replacingOccurrences(of: #"negationInd="true""#, with: #"negationInd="false""#)
        #expect(try only(readOne(plain)).value == .coded("present"))
    }

    @Test func negatedProcedureIsNoTACESession() throws {
        let item = try onlySkip(read(xml: document([tace(attributes: #" negationInd="true""#)])))
        #expect(item.kind == .negated)
    }

    @Test func statementUnderANegatedRelationshipIsNegated() throws {
        let outer = """
        <observation classCode="OBS" moodCode="EVN"><code code="121071" codeSystem="1.2.840.10008.2.16.4"/>
          <statusCode code="completed"/><effectiveTime value="20250106"/>
          <entryRelationship typeCode="SPRT" negationInd="true">\(observation(value: Self.albumin))</entryRelationship></observation>
        """
        let out = try read(xml: document([outer]))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.negated] == 1)
        #expect(out.report.skippedByKind[.unmappedCode] == 1)
    }

    // negationInd is an XML Schema boolean: "1" is true, "0" is false, and nothing else is either.

    @Test(arguments: ["1", " true ", "true"])
    func negationIndOneOrTrueIsNegated(written: String) throws {
        let item = try onlySkip(readOne(observation(value: Self.albumin, attributes: " negationInd=\"\(written)\"")))
        #expect(item.kind == .negated)
        #expect(try onlySkip(read(xml: document([tace(attributes: " negationInd=\"\(written)\"")]))).kind == .negated)
    }

    @Test(arguments: ["0", "false"])
    func negationIndZeroOrFalseIsAnOrdinaryResult(written: String) throws {
        #expect(try only(readOne(observation(value: Self.albumin, attributes: " negationInd=\"\(written)\""))).value.measurement
                == Measurement(39, .gPerL))
    }

    @Test(arguments: ["TRUE", "False", "Y", "", "ja"])
    func negationIndThatIsNoBooleanIsInvalidNeverAffirmed(written: String) throws {
        let xml = document([observation(value: Self.albumin, attributes: " negationInd=\"\(written)\"")])
        do {
            _ = try read(xml: xml)
            Issue.record("expected an error")
        } catch let error as CDAReadError {
            #expect(error.location.hasSuffix("/observation/@negationInd (line 11)"))
            // The written value is free text: never echoed.
            #expect(!written.isEmpty ? !error.reason.contains(written) : true)
        }
        let skipped = try read(xml: xml, policy: .skip)
        #expect(skipped.observations.isEmpty && skipped.report.skippedByKind[.invalidResource] == 1)
        #expect(throws: CDAReadError.self) { try read(xml: document([tace(attributes: " negationInd=\"\(written)\"")])) }
    }

    @Test func relationshipNegationIndOneNegatesAndAnUnreadableOneIsInvalid() throws {
        func outer(_ negationInd: String) -> String {
            """
            <act classCode="ACT" moodCode="EVN"><code code="X" codeSystem="2.999.77"/>
              <entryRelationship typeCode="COMP" negationInd="\(negationInd)">\(observation(value: Self.albumin))</entryRelationship></act>
            """
        }
        #expect(try onlySkip(read(xml: document([outer("1")]))).kind == .negated)
        #expect(try only(read(xml: document([outer("0")]))).concept == .albumin)
        do {
            _ = try read(xml: document([outer("TRUE")]))
            Issue.record("expected an error")
        } catch let error as CDAReadError {
            #expect(error.location.hasSuffix("/act/entryRelationship/@negationInd (line 12)"))
        }
        // Skipped: the relationship is counted invalid, and the result under it is not used.
        let skipped = try read(xml: document([outer("TRUE")]), policy: .skip)
        #expect(skipped.observations.isEmpty && skipped.report.skippedByKind[.invalidResource] == 2)
    }

    // Negation of an enclosing statement covers what is nested in it, as a non-EVN mood does.

    @Test func resultNestedUnderANegatedObservationIsNegated() throws {
        let outer = """
        <observation classCode="OBS" moodCode="EVN" negationInd="true"><code code="121071" codeSystem="1.2.840.10008.2.16.4"/>
          <statusCode code="completed"/><effectiveTime value="20250106"/>
          <entryRelationship typeCode="COMP">\(observation(value: Self.albumin))</entryRelationship></observation>
        """
        let out = try read(xml: document([outer]))
        #expect(out.observations.isEmpty)
        // The outer observation (negated) and the albumin under it (negated through it).
        #expect(out.report.skippedByKind[.negated] == 2)
        #expect(out.report.items.contains { $0.kind == .negated && $0.detail.contains("nested in an enclosing <observation>") })
    }

    @Test func resultNestedUnderANegatedActIsNegatedAtAnyDepth() throws {
        let act = """
        <act classCode="ACT" moodCode="EVN" negationInd="1"><code code="X" codeSystem="2.999.77"/>
          <entryRelationship typeCode="COMP"><organizer classCode="BATTERY" moodCode="EVN"><code code="24325-3" codeSystem="\(loinc)"/>
            <component>\(observation(value: Self.albumin))</component></organizer></entryRelationship></act>
        """
        let item = try onlySkip(read(xml: document([act])))
        #expect(item.kind == .negated && item.detail.contains("<act>"))
        // The same act affirmed gives the result.
        #expect(try only(read(xml: document([act.replacingOccurrences(of: #"negationInd="1""#, with: "")]))).concept == .albumin)
    }

    @Test func resultNestedUnderAnActWithUnreadableNegationIsNotUsed() throws {
        let act = """
        <act classCode="ACT" moodCode="EVN" negationInd="TRUE"><code code="X" codeSystem="2.999.77"/>
          <entryRelationship typeCode="COMP">\(observation(value: Self.albumin))</entryRelationship></act>
        """
        #expect(throws: CDAReadError.self) { try read(xml: document([act])) }
        let skipped = try read(xml: document([act]), policy: .skip)
        #expect(skipped.observations.isEmpty && skipped.report.skippedByKind[.invalidResource] == 2)
    }
}

/// A TACE procedure entry coded with the project's procedure code system.
func tace(mood: String = "EVN", status: String? = "completed", time: String = "20250110083000+0100", attributes: String = "") -> String {
    """
    <procedure classCode="PROC" moodCode="\(mood)"\(attributes)>
      <id root="2.999.9.2" extension="TACE-1"/>
      <code code="tace" codeSystem="\(procedures)" displayName="Transarterial chemoembolization"/>
      \(status.map { "<statusCode code=\"\($0)\"/>" } ?? "")
      <effectiveTime value="\(time)"/>
    </procedure>
    """
}
