import Testing
@testable import TACEScoring
