import TACEStore

/// A clause of the `ClinicalStore` contract that a backend does not keep. The text says what was expected
/// and what was found; it names row ids and synthetic test values only, never real patient data.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    public var check: String
    public var message: String
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }
    public var description: String { "\(check): \(message)" }
}

/// One runnable clause of the contract. `run` must be given an empty, migrated store of its own; it
/// throws `ConformanceFailure` when the store breaks the clause (and passes on any store error).
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    public var name: String
    private var body: @Sendable (any ClinicalStore) async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable (any ClinicalStore) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }

    /// Runs the check; a failure is labelled with the check's name.
    public func run(on store: any ClinicalStore) async throws {
        do {
            try await body(store)
        } catch let failure as ConformanceFailure {
            throw ConformanceFailure(check: name, message: failure.message)
        }
    }
}

/// The whole contract: every check, each to be run on a fresh store.
public enum ClinicalStoreConformance {
    public static let checks: [ConformanceCheck] =
        commitChecks + claimChecks + supersessionChecks + dirtyChecks + assessmentChecks + deadLetterChecks + byteChecks

    /// The check with this name (tests are parameterized by name).
    public static func check(named name: String) -> ConformanceCheck? {
        checks.first { $0.name == name }
    }
}

// MARK: - Expectations (a failure is thrown, never recorded and ignored)

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ConformanceFailure(check: "", message: message()) }
}

func expectEqual<T: Equatable>(_ found: T, _ expected: T, _ what: String) throws {
    if found != expected {
        throw ConformanceFailure(check: "", message: "\(what): expected \(expected), found \(found)")
    }
}

/// Byte arrays are compared without printing them (they may be megabytes).
func expectSameBytes(_ found: [UInt8]?, _ expected: [UInt8], _ what: String) throws {
    guard let found else { throw ConformanceFailure(check: "", message: "\(what): missing") }
    if found == expected { return }
    let firstDifference = zip(found, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    throw ConformanceFailure(check: "", message: "\(what): \(found.count) bytes, expected \(expected.count); "
                             + "first difference at offset \(firstDifference.map(String.init) ?? "end")")
}

func fail(_ message: String) -> ConformanceFailure {
    ConformanceFailure(check: "", message: message)
}
