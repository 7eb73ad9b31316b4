import Testing
@testable import TACEMappings
