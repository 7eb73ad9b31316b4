import TACEJSON
import TACEModel

/// The patient of the last subject written as a plain `{"reference": "…"}` outside a Bundle, kept
/// so that the observations of one patient (consecutive NDJSON lines as a rule) share one
/// `PatientIdentity` instead of each making and checking its own reference `String`. Only such
/// subjects are remembered: for them the identity depends on the reference text alone.
struct SubjectMemo: Sendable {
    private var reference: [UInt8] = []
    private var identity: PatientIdentity? = nil

    /// The identity `read` gives for `subject`, or the remembered one when `subject` is a plain
    /// reference with the same text as the last one read.
    mutating func identity(of subject: JSONValue?, bundle: BundleIndex?,
                           read: () throws -> PatientIdentity?) rethrows -> PatientIdentity? {
        guard bundle == nil, let subject, subject.kind == .object, subject.count == 1,
              let text = subject["reference"], text.kind == .string else { return try read() }
        if let identity, text.withStringBytes({ Self.equal($0, reference) }) == true { return identity }
        let result = try read()
        if let result, let bytes = text.withStringBytes({ Array($0) }) {
            reference = bytes
            identity = result
        }
        return result
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return b.withUnsafeBufferPointer { b in
            for i in 0..<a.count where a[i] != b[i] { return false }
            return true
        }
    }
}
