import Testing
@testable import TACEFHIRReader
