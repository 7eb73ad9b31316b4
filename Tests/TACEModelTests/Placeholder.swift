import Testing
@testable import TACEModel
