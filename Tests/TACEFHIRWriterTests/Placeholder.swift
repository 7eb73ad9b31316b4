import Testing
@testable import TACEFHIRWriter
