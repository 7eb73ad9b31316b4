import Testing
import TACEModel
@testable import TACEMappings

@Suite("Default tables")
struct DefaultTablesTests {
    @Test("the embedded default tables load without error")
    func defaultsLoad() throws {
        let t = try MappingTables.defaults()
        #expect(t.summary.contains("afp.ngPerIU=1.21"))
    }
}
