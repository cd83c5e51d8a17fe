/// A record key: the name of a record within a collection, e.g. `3jzfcijpj2z2a` or `self`.
///
/// 1–512 characters from `[A-Za-z0-9._:~-]`, and not `.` or `..`. Case-sensitive.
///
/// Spec: https://atproto.com/specs/record-key
public struct RecordKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The record key.
    public let description: String

    /// The longest record key accepted.
    public static let maximumLength = 512

    /// Parses and validates a record key.
    public init(_ string: String) throws(ATSyntaxError) {
        if let problem = ASCII.withBytes(of: string, { RecordKey.problem($0[...]) }) {
            throw ATSyntaxError(.invalidRecordKey, "\(problem): \(Quoted(string))")
        }
        self.init(unchecked: string)
    }

    init(unchecked string: String) { self.description = string }

    /// Whether `string` is a valid record key.
    public static func isValid(_ string: String) -> Bool {
        ASCII.withBytes(of: string) { problem($0[...]) == nil }
    }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    @inline(__always)
    static func isKeyCharacter(_ c: UInt8) -> Bool {
        ASCII.isAlphanumeric(c) || c == ASCII.dot || c == ASCII.hyphen || c == UInt8(ascii: "_")
            || c == ASCII.colon || c == UInt8(ascii: "~")
    }

    static func problem(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) -> Problem? {
        if bytes.isEmpty { return "empty" }
        if bytes.count > maximumLength { return "longer than \(maximumLength) characters" }
        for c in bytes where !isKeyCharacter(c) { return Problem("character \(ASCII.show(c)) not allowed") }
        if bytes.count <= 2, bytes.allSatisfy({ $0 == ASCII.dot }) { return "\".\" and \"..\" are not allowed" }
        return nil
    }
}
