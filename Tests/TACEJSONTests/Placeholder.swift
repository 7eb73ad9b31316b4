import Testing
@testable import TACEJSON
