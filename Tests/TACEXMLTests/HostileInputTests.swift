import Testing
import TACEXML

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The first lines of /etc/passwd on every Linux system.
let passwdMarker = "root:x:0:0"

/// A TCP listener on 127.0.0.1 that never answers: a test can point an
/// external entity at it and then check that nobody even tried to connect.
final class LocalListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0)
        try #require(listen(fd, 8) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// True if a connection reached the listener since it was opened.
    func wasContacted() -> Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 {
            close(client)
            return true
        }
        return false
    }

    deinit { close(fd) }
}

let billionLaughs = """
<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""

let externalFileEntity = """
<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<r>&xxe;<v a="x">&xxe;</v></r>
"""

func externalHTTPEntity(port: UInt16) -> String {
    """
    <?xml version="1.0"?>
    <!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:\(port)/x">]>
    <r>&xxe;</r>
    """
}

func parameterEntities(port: UInt16) -> String {
    """
    <?xml version="1.0"?>
    <!DOCTYPE r [
      <!ENTITY % file SYSTEM "file:///etc/passwd">
      <!ENTITY % remote SYSTEM "http://127.0.0.1:\(port)/evil.dtd">
      %remote;
      %file;
    ]>
    <r>x</r>
    """
}

func externalDTD(port: UInt16) -> String {
    """
    <?xml version="1.0"?>
    <!DOCTYPE r SYSTEM "http://127.0.0.1:\(port)/r.dtd">
    <r>x</r>
    """
}

let doctypeAllowed = XMLLimits(allowDoctype: true)

@Suite("Hostile input: XML bombs, external resources, limits")
struct HostileInputTests {
    @Test func billionLaughsIsRefusedAtTheDoctype() throws {
        let error = try #require(xmlParseError(billionLaughs))
        #expect(error.reason == .doctypeNotAllowed)
        #expect(error.line == 2)
        #expect(error.column > 0)
        #expect(!error.description.contains("lol"))
    }

    @Test func billionLaughsWithDoctypeAllowedIsRefusedAtTheFirstEntity() throws {
        let start = ContinuousClock.now
        let error = try #require(xmlParseError(billionLaughs, limits: doctypeAllowed))
        #expect(error.reason == .entityDeclarationNotAllowed)
        #expect(error.line == 3)
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test func quadraticBlowupIsRefusedWithOrWithoutDoctype() throws {
        let big = String(repeating: "a", count: 100_000)
        let refs = String(repeating: "&e;", count: 10_000)
        let input = "<!DOCTYPE r [<!ENTITY e \"\(big)\">]><r>\(refs)</r>"
        let refused = xmlParseError(input)?.reason, refusedWithDoctype = xmlParseError(input, limits: doctypeAllowed)?.reason
        #expect(refused == .doctypeNotAllowed)
        #expect(refusedWithDoctype == .entityDeclarationNotAllowed)
    }

    @Test func externalFileEntityIsRefusedAndNeverRead() throws {
        for limits in [XMLLimits.default, doctypeAllowed] {
            let error = try #require(xmlParseError(externalFileEntity, limits: limits))
            #expect(error.reason == (limits.allowDoctype ? .entityDeclarationNotAllowed : .doctypeNotAllowed))
            #expect(!error.description.contains(passwdMarker))
        }
    }

    @Test func harmlessDoctypeIsAcceptedWhenAllowed() throws {
        let input = "<?xml version='1.0'?>\n<!DOCTYPE ClinicalDocument SYSTEM \"CDA.dtd\">\n<ClinicalDocument>a&amp;b&#x41;</ClinicalDocument>"
        #expect(xmlParseError(input)?.reason == .doctypeNotAllowed)
        let doc = try XMLDocument.parse(input, limits: doctypeAllowed)
        #expect(try doc.root?.text() == "a&bA")
    }

    @Test func externalHTTPEntityIsRefusedWithoutNetwork() throws {
        let listener = try LocalListener()
        let input = externalHTTPEntity(port: listener.port)
        #expect(xmlParseError(input)?.reason == .doctypeNotAllowed)
        #expect(xmlParseError(input, limits: doctypeAllowed)?.reason == .entityDeclarationNotAllowed)
        #expect(!listener.wasContacted())
    }

    @Test func parameterEntitiesAreRefusedAndNeverLoaded() throws {
        let listener = try LocalListener()
        let input = parameterEntities(port: listener.port)
        #expect(xmlParseError(input)?.reason == .doctypeNotAllowed)
        #expect(xmlParseError(input, limits: doctypeAllowed)?.reason == .entityDeclarationNotAllowed)
        #expect(!listener.wasContacted())
    }

    @Test func externalDTDIsNeverFetched() throws {
        let listener = try LocalListener()
        let input = externalDTD(port: listener.port)
        #expect(xmlParseError(input)?.reason == .doctypeNotAllowed)
        let doc = try XMLDocument.parse(input, limits: doctypeAllowed)
        #expect(try doc.root?.text() == "x")
        #expect(!listener.wasContacted())
    }

    @Test func xincludeIsNotProcessed() throws {
        let input = """
        <r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></r>
        """
        let doc = try XMLDocument.parse(input)
        let include = try #require(doc.root?.elements.first { _ in true })
        #expect(include.name == "include")
        #expect(include.namespaceURI == "http://www.w3.org/2001/XInclude")
        #expect(!(try everythingReadable(doc)).contains(passwdMarker))
    }

    @Test func hundredThousandDeepNestingIsRefusedQuickly() throws {
        let depth = 100_000
        let input = Array(String(repeating: "<a>", count: depth).utf8) + Array(String(repeating: "</a>", count: depth).utf8)
        let start = ContinuousClock.now
        let result = xmlParseError(input)
        #expect(ContinuousClock.now - start < .seconds(1))
        let error = try #require(result)
        #expect(error.reason == .tooDeep(limit: 256))
        #expect(error.line == 1)
        #expect(error.column > 256 * 3)
    }

    @Test func depthLimitIsOurs() throws {
        let nested = { (n: Int) in String(repeating: "<a>", count: n) + String(repeating: "</a>", count: n) }
        let limits = XMLLimits(maxDepth: 10)
        #expect(xmlParseError(nested(10), limits: limits) == nil)
        #expect(xmlParseError(nested(11), limits: limits)?.reason == .tooDeep(limit: 10))
        #expect(xmlParseError(nested(256)) == nil)
        #expect(xmlParseError(nested(257))?.reason == .tooDeep(limit: 256))
    }

    @Test func hundredMegabyteTextNodeIsRefusedByTheTextLimit() throws {
        let input = Array("<r>\n<v>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100 << 20) + Array("</v></r>".utf8)
        let start = ContinuousClock.now
        let result = xmlParseError(input)
        let elapsed = ContinuousClock.now - start
        let error = try #require(result)
        #expect(elapsed < .seconds(10))
        #expect(error.reason == .textTooLong)
        #expect(error.line == 2)
        #expect(!error.description.contains("xxxx"))
    }

    @Test func hundredMegabyteAttributeValueIsRefused() throws {
        let input = Array("<r v=\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100 << 20) + Array("\"/>".utf8)
        let result = xmlParseError(input)
        let error = try #require(result)
        #expect(error.line == 1)
        #expect(!error.description.contains("xxxx"))
    }

    @Test func textLimitCountsDecodedCharacterDataBetweenTags() throws {
        let limits = XMLLimits(maxTextBytes: 10)
        #expect(xmlParseError("<r>0123456789<a/>0123456789</r>", limits: limits) == nil)
        #expect(xmlParseError("<r>01234&amp;6789x</r>", limits: limits)?.reason == .textTooLong)
        #expect(xmlParseError("<r><![CDATA[0123456789x]]></r>", limits: limits)?.reason == .textTooLong)
    }

    @Test func inputOverTheSizeLimitIsRefusedBeforeParsing() throws {
        let error = try #require(xmlParseError("<a>0123456789</a>", limits: XMLLimits(maxInputBytes: 10)))
        #expect(error.reason == .inputTooLarge(limit: 10))
    }

    @Test func nodeCountLimitCountsElementsAndAttributes() throws {
        let input = "<r>" + String(repeating: "<e a='1'/>", count: 60) + "</r>"
        #expect(xmlParseError(input, limits: XMLLimits(maxNodes: 121)) == nil)
        #expect(xmlParseError(input, limits: XMLLimits(maxNodes: 120))?.reason == .tooManyNodes(limit: 120))
    }
}

@Suite("Broken input: clear, positioned errors without document text")
struct BrokenInputTests {
    @Test func truncatedDocumentFailsWithLineAndColumn() throws {
        let input = "<ClinicalDocument>\n  <component>\n    <observation>SECRET"
        let error = try #require(xmlParseError(input))
        guard case .notWellFormed = error.reason else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(error.line == 3)
        #expect(error.column > 0)
        #expect(!error.description.contains("SECRET"))
        #expect(!error.description.contains("observation"))
    }

    @Test func everyTruncationOfACDADocumentFailsCleanly() throws {
        let bytes = Array(ccdaResultDocument.utf8)
        var step = 0
        for length in stride(from: 0, to: bytes.count - 20, by: 7) {
            let error = try #require(xmlParseError(Array(bytes[..<length])), "prefix \(length) parsed")
            if length > 40 {   // after the XML declaration
                #expect(error.line > 0)
            }
            #expect(!error.description.contains("Everywoman"))
            step += 1
        }
        #expect(step > 100)
    }

    @Test func invalidUTF8IsAnEncodingError() throws {
        let input: [UInt8] = Array("<a>\nSECRET ".utf8) + [0xC3, 0x28, 0xFF] + Array("</a>".utf8)
        let error = try #require(xmlParseError(input))
        #expect(error.reason == .invalidEncoding(code: 9) || { if case .invalidEncoding = error.reason { true } else { false } }())
        #expect(error.line == 2)
        #expect(!error.description.contains("SECRET"))
        #expect(!error.description.contains("0xC3") && !error.description.contains("0xc3"))
    }

    @Test func unknownEncodingNameIsNotEchoed() throws {
        let error = try #require(xmlParseError("<?xml version='1.0' encoding='SECRET-ENC'?><a/>"))
        #expect(!error.description.contains("SECRET"))
    }

    @Test func binaryJunkFails() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let junk = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(xmlParseError(junk) != nil)
        }
        let error = try #require(xmlParseError([0x00, 0x01, 0x02, 0xFF, 0xFE, 0x89, 0x50, 0x4E, 0x47]))
        #expect(error.line >= 0)
    }

    @Test func emptyAndBlankInputAreEmpty() throws {
        #expect(xmlParseError([UInt8]())?.reason == .emptyInput)
        #expect(xmlParseError("  \n\t ")?.reason == .emptyInput)
        #expect(xmlParseError([0xEF, 0xBB, 0xBF])?.reason == .emptyInput)
        #expect(xmlParseError("<?xml version='1.0'?>")?.reason == .emptyInput)
    }

    @Test func malformedMarkupNeverEchoesNamesOrValues() throws {
        let inputs = [
            "<SECRETa></SECRETb>",
            "<a SECRET='1' SECRET='2'/>",
            "<a b=SECRET/>",
            "<a>&SECRET;</a>",
            "<a><!-- SECRET -- x --></a>",
            "<a>SECRET</a><SECRET/>",
            "<a xmlns:p='SECRET'><p:b p:SECRET='1' p:SECRET='2'/></a>",
            "<a>&#xFFFFFFFF;SECRET</a>",
            "<a\u{1}SECRET/>",
            "<?SECRET",
            "<a><![CDATA[SECRET",
        ]
        for input in inputs {
            let error = try #require(xmlParseError(input), "\(input) parsed")
            #expect(!error.description.contains("SECRET"), "\(error)")
            #expect(error.line > 0, "\(error)")
        }
    }

    @Test func namespaceWarningsCarryNoDocumentText() throws {
        let doc = try XMLDocument.parse("<a SECRET:b='1'><SECRETp:c/></a>")
        #expect(doc.warnings.count == 2)
        #expect(doc.warnings.allSatisfy { !$0.description.contains("SECRET") && $0.category == .namespace && $0.line == 1 })
    }
}
