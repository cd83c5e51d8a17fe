/// A namespaced identifier (Lexicon schema or record collection name), e.g. `app.bsky.feed.post`.
///
/// A reversed domain authority (at least two labels, the first starting with a letter) followed by
/// a name segment `[a-zA-Z][a-zA-Z0-9]{0,62}`; at most 317 characters. The string is kept as given:
/// the authority is case-insensitive (``normalized`` lowercases it), the name is case-sensitive.
///
/// Spec: https://atproto.com/specs/nsid
public struct NSID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The NSID string as given.
    public let description: String

    /// The longest NSID accepted.
    public static let maximumLength = 317

    /// Parses and validates an NSID.
    public init(_ string: String) throws(ATSyntaxError) {
        if let problem = ASCII.withBytes(of: string, { NSID.problem($0) }) {
            throw ATSyntaxError(.invalidNSID, "\(problem): \(Quoted(string))")
        }
        self.init(unchecked: string)
    }

    init(unchecked string: String) { self.description = string }

    /// Whether `string` is a valid NSID.
    public static func isValid(_ string: String) -> Bool {
        ASCII.withBytes(of: string) { problem($0) == nil }
    }

    /// The name segment (after the last dot), e.g. `post`.
    public var name: Substring {
        guard let dot = description.lastIndex(of: ".") else { return description[...] }
        return description[description.index(after: dot)...]
    }

    /// The authority as a domain name in DNS order and lowercase, e.g. `feed.bsky.app`.
    public var authority: String {
        guard let dot = description.lastIndex(of: ".") else { return "" }
        return description[..<dot].lowercased().split(separator: ".").reversed().joined(separator: ".")
    }

    /// The NSID with its authority lowercased and its name untouched.
    public var normalized: NSID {
        guard let dot = description.lastIndex(of: ".") else { return self }
        return NSID(unchecked: description[..<dot].lowercased() + description[dot...])
    }

    public static func < (lhs: NSID, rhs: NSID) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    static func problem(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) -> Problem? {
        if bytes.isEmpty { return "empty" }
        if bytes.count > maximumLength { return "longer than \(maximumLength) characters" }
        var segments = 0
        var start = bytes.startIndex
        var lastStart = start
        for index in bytes.startIndex...bytes.endIndex where index == bytes.endIndex || bytes[index] == ASCII.dot {
            let segment = bytes[start..<index]
            if index == bytes.endIndex {
                lastStart = start
            } else if let problem = ASCII.domainLabelProblem(segment) {
                return Problem("authority \(problem)")
            } else if segments == 0, let first = segment.first, !ASCII.isLetter(first) {
                return "first segment must start with a letter"
            }
            segments += 1
            start = index + 1
        }
        if segments < 3 { return "needs an authority of two or more segments and a name" }
        let name = bytes[lastStart...]
        guard let first = name.first else { return "empty name" }
        if name.count > 63 { return "name longer than 63 characters" }
        if !ASCII.isLetter(first) { return "name must start with a letter" }
        for c in name where !ASCII.isAlphanumeric(c) { return Problem("character \(ASCII.show(c)) not allowed in name") }
        return nil
    }

    static func problem(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? { problem(bytes[...]) }
}
