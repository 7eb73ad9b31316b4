/// An input that could not be used, kept with its reason and bytes so nothing is lost (issue 5, item 2).
public struct NewDeadLetter: Sendable, Hashable {
    /// The unit's key when it could be read; letters with the same key are one letter seen again.
    public var key: IngestKey?
    /// The detected format (`hl7v2-er7`, `fhir-json`, `cda`, …) or `unknown`.
    public var format: String
    public var receivedFrom: String
    /// ISO 8601 UTC.
    public var receivedAt: String
    /// Why it was refused, without patient data (the errors of the readers already withhold values).
    public var reason: String
    /// Where in the input: segment/field, JSON path, XPath, line.
    public var location: String?
    public var raw: [UInt8]

    public init(key: IngestKey?, format: String, receivedFrom: String, receivedAt: String, reason: String, location: String?, raw: [UInt8]) {
        self.key = key
        self.format = format
        self.receivedFrom = receivedFrom
        self.receivedAt = receivedAt
        self.reason = reason
        self.location = location
        self.raw = raw
    }
}

/// A stored dead letter.
public struct DeadLetter: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for a fix and a retry.
        case open
        /// A retry stored it (see `resolvedAs`).
        case resolved
    }
    public var id: DeadLetterID
    public var letter: NewDeadLetter
    public var state: State
    /// How often it was received or retried and refused.
    public var attempts: Int
    /// ISO 8601 UTC of the last refusal or of the resolution.
    public var updatedAt: String
    public var resolvedAs: StoredMessageID?

    public init(id: DeadLetterID, letter: NewDeadLetter, state: State, attempts: Int, updatedAt: String, resolvedAs: StoredMessageID?) {
        self.id = id
        self.letter = letter
        self.state = state
        self.attempts = attempts
        self.updatedAt = updatedAt
        self.resolvedAs = resolvedAs
    }
}
