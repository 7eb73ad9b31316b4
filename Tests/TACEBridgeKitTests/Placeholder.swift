import Testing
@testable import TACEBridgeKit
