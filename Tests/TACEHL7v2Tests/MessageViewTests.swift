import Testing
import TACEHL7v2

/// `HL7MessageView` and `HL7Parts` are the allocation-free twins of `HL7Segment` / `HL7Value`:
/// every navigation must give the same value, present or absent, decoded the same way.
@Suite struct MessageViewTests {
    /// Compares every field, repetition, component and subcomponent (and a few beyond the last)
    /// of every segment through both APIs.
    func expectSameNavigation(_ message: HL7Message, componentCount: Int = 11, repetitions: Int = 3, segments: Set<String>? = nil) {
        message.withView { view in
            #expect(view.segmentCount == message.segments.count)
            for (index, segment) in message.segments.enumerated() {
                #expect(view.segmentID(index).description == segment.id)
                if let segments, !segments.contains(segment.id) { continue }
                for number in 1...(segment.fieldCount + 2) {
                    let field = segment[number]
                    let span = view.field(index, number)
                    expectSame(view, span, field)
                    #expect(view.repetitionCount(span) == field.repetitions.count)
                    let components = view.components(of: span)
                    let subcomponents = view.subcomponents(of: span)
                    for c in 1...componentCount {
                        expectSame(view, view.component(span, c), field.component(c))
                        expectSame(view, components[c], field.component(c))
                        if components.isPlainASCII { #expect(view.isPlainASCII(components[c])) }
                        expectSame(view, subcomponents[c], field.subcomponent(c))
                        for r in 1...repetitions {
                            let repetition = view.repetition(span, r)
                            expectSame(view, repetition, field.repetition(r))
                            expectSame(view, view.components(of: repetition)[c], field.repetition(r).component(c))
                            let component = view.component(repetition, c)
                            let value = field.repetition(r).component(c)
                            for s in 1...repetitions {
                                expectSame(view, view.subcomponent(component, s), value.subcomponent(s))
                                expectSame(view, view.subcomponents(of: component)[s], value.subcomponent(s))
                            }
                        }
                    }
                }
            }
        }
    }

    func expectSame(_ view: HL7MessageView, _ span: HL7Span, _ value: HL7Value, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(span.lowerBound..<span.upperBound == value.byteRange, sourceLocation: sourceLocation)
        #expect(span.isPresent == value.isPresent, sourceLocation: sourceLocation)
        #expect(span.level == value.level, sourceLocation: sourceLocation)
        #expect(view.string(span) == value.string, sourceLocation: sourceLocation)
        #expect(view.isNull(span) == value.isNull, sourceLocation: sourceLocation)
        if view.isPlainASCII(span) {  // then the bytes as written are the decoded text
            #expect(Array(value.string.utf8) == Array(value.rawBytes), sourceLocation: sourceLocation)
        }
    }

    @Test func sameValuesAsSegmentsOnASampleMessage() throws {
        for message in try parse(sampleORU).messages { expectSameNavigation(message) }
    }

    @Test func partsAreNotPlainWhenAnyPartHasAnEscapeOrNonASCII() throws {
        let m = try message("MSH|^~\\&|A|B|C|D|20240304||ORU^R01|1|P|2.5\rOBX|1|CWE|a^b\\T\\c^d|x^é\rOBX|2|ST|a^b~\\T\\\r")
        m.withView { view in
            #expect(!view.components(of: view.field(1, 3)).isPlainASCII)
            #expect(!view.components(of: view.field(1, 4)).isPlainASCII)
            #expect(view.components(of: view.field(2, 3)).isPlainASCII)  // the escape is in repetition 2
            #expect(view.components(of: view.field(1, 2)).isPlainASCII)
        }
    }

    @Test func sameValuesWithOtherDelimitersAndManyComponents() throws {
        let text = "MSH#*$!@#LAB#HOSP#TACE#ONCO#20240304##ORU*R01#1#P#2.5.1\r"
            + "OBX#1#CWE#a*b*c*d*e*f*g*h*i*j*k#x!y!z$q*r!s@t#\"\"##!!$$**\r"
            + "NTE#1##one$two$three\r"
        for message in try parse(text).messages { expectSameNavigation(message) }
    }

    @Test func sameValuesOnTheHeaderFieldsThatAreNotSplit() throws {
        let m = try message("MSH|^~\\&|A^B&C|D|E|F|20240304||ORU^R01|1|P|2.5\r")
        expectSameNavigation(m)
        m.withView { view in
            #expect(view.string(view.field(0, 1)) == "|")
            #expect(view.string(view.field(0, 2)) == "^~\\&")
            #expect(view.components(of: view.field(0, 2))[1].count == 4)
        }
    }

    /// The segments the HL7 v2 reader reads, in every corpus message.
    @Test func sameValuesOnEveryCorpusMessage() throws {
        var messages = 0
        for file in Corpus.er7Files {
            guard let parsed = try? HL7Parser.parse(Corpus.bytes(file)) else { continue }
            for message in parsed.messages {
                expectSameNavigation(message, componentCount: 5, repetitions: 1, segments: ["PID", "OBR", "OBX", "NTE"])
                messages += 1
            }
        }
        #expect(messages >= 30 || Corpus.er7Files.isEmpty)
    }
}
