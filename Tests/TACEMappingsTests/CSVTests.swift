import Testing
@testable import TACEMappings

@Suite("CSV reader")
struct CSVTests {
    @Test("quoted fields hold commas, quotes and line breaks; line numbers stay physical")
    func quoting() throws {
        let text = "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",z\n\"multi\nline\",2,3\nlast,1,2\n"
        let rows = try CSV.parse(text)
        #expect(rows.map(\.line) == [1, 2, 3, 5])
        #expect(rows[1].fields == ["x, y", "say \"hi\"", "z"])
        #expect(rows[2].fields == ["multi\nline", "2", "3"])
    }

    @Test("comments, blank lines, CRLF, a byte-order mark and blanks around fields")
    func tolerance() throws {
        let text = "\u{FEFF}a,b\r\n# comment, with comma\r\n\r\n  \r\n x , y \r\n\"q\" ,z"
        let rows = try CSV.parse(text)
        #expect(rows.map(\.fields) == [["a", "b"], ["x", "y"], ["q", "z"]])
        #expect(rows.map(\.line) == [1, 5, 6])
    }

    @Test("empty fields are kept")
    func emptyFields() throws {
        #expect(try CSV.parse("a,,c,\n").first?.fields == ["a", "", "c", ""])
    }

    @Test("a '#' inside a quoted field is data")
    func hashInQuotes() throws {
        #expect(try CSV.parse("\"#1\",x\n").first?.fields == ["#1", "x"])
    }

    @Test("text after a closing quote is an error")
    func junkAfterQuote() {
        #expect(throws: CSVSyntaxError.self) { try CSV.parse("\"a\"b,c\n") }
    }
}
