/// A decentralized identifier, validated against the atproto DID syntax.
///
/// `did:<method>:<identifier>` where the method is `[a-z]+`, the identifier `[a-zA-Z0-9._:%-]*`
/// ending in `[a-zA-Z0-9._-]`, at most 2048 characters, no query or fragment. Case-sensitive: the
/// value is kept exactly as given. Any syntactically valid method is accepted here; whether the
/// method is supported (`plc`, `web`) is a separate question (``isSupportedMethod``).
///
/// Spec: https://atproto.com/specs/did
public struct DID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The DID string.
    public let description: String
    /// Length of `did:<method>` (index of the second colon).
    private let methodEnd: Int

    /// The longest DID accepted.
    public static let maximumLength = 2048

    /// Parses and validates a DID.
    public init(_ string: String) throws(ATSyntaxError) {
        let result = ASCII.withBytes(of: string) { DID.check($0) }
        switch result {
        case .success(let methodEnd): self.init(unchecked: string, methodEnd: methodEnd)
        case .failure(let problem): throw ATSyntaxError(.invalidDID, "\(problem): \(Quoted(string))")
        }
    }

    init(unchecked string: String, methodEnd: Int) {
        self.description = string
        self.methodEnd = methodEnd
    }

    /// Whether `string` is a valid DID.
    public static func isValid(_ string: String) -> Bool {
        if case .success = ASCII.withBytes(of: string, { check($0) }) { return true }
        return false
    }

    /// The method, e.g. `plc` or `web`.
    public var method: Substring {
        let utf8 = description.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: 4)
        let end = utf8.index(utf8.startIndex, offsetBy: methodEnd)
        return description[start..<end]
    }

    /// The method-specific identifier (everything after `did:<method>:`).
    public var identifier: Substring {
        let utf8 = description.utf8
        return description[utf8.index(utf8.startIndex, offsetBy: methodEnd + 1)...]
    }

    /// Whether the method is one atproto supports (`plc` or `web`).
    public var isSupportedMethod: Bool { isPLC || isWeb }
    /// Whether this is a `did:plc`.
    public var isPLC: Bool { method == "plc" }
    /// Whether this is a `did:web`.
    public var isWeb: Bool { method == "web" }

    public static func < (lhs: DID, rhs: DID) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    /// Validates; on success returns the index of the colon after the method.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int, Problem> {
        if bytes.count > maximumLength { return .failure("longer than \(maximumLength) characters") }
        guard bytes.count >= 7,
              bytes[0] == UInt8(ascii: "d"), bytes[1] == UInt8(ascii: "i"), bytes[2] == UInt8(ascii: "d"),
              bytes[3] == ASCII.colon
        else { return .failure("must start with \"did:\"") }
        var index = 4
        while index < bytes.count, ASCII.isLower(bytes[index]) { index += 1 }
        let methodEnd = index
        if methodEnd == 4 { return .failure("empty or non-lowercase method") }
        guard index < bytes.count, bytes[index] == ASCII.colon else {
            return .failure("method must be lowercase letters followed by ':'")
        }
        index += 1
        if index == bytes.count { return .failure("empty identifier") }
        while index < bytes.count {
            let c = bytes[index]
            let allowed = ASCII.isAlphanumeric(c) || c == ASCII.dot || c == UInt8(ascii: "_") || c == ASCII.hyphen
                || c == ASCII.colon || c == UInt8(ascii: "%")
            if !allowed { return .failure("character \(ASCII.show(c)) not allowed in identifier") }
            index += 1
        }
        let last = bytes[bytes.count - 1]
        if last == ASCII.colon || last == UInt8(ascii: "%") { return .failure("identifier ends with ':' or '%'") }
        return .success(methodEnd)
    }
}

/// A failure reason from a validator (a `String` that can be a `Result` failure).
struct Problem: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation, CustomStringConvertible {
    let description: String
    init(stringLiteral value: String) { description = value }
    init(_ value: String) { description = value }
    init(stringInterpolation: DefaultStringInterpolation) { description = String(stringInterpolation: stringInterpolation) }
}

/// Renders input for an error reason, shortened when long.
struct Quoted: CustomStringConvertible {
    let value: String
    init(_ value: String) { self.value = value }
    var description: String {
        if value.utf8.count <= 80 { return "\"\(value)\"" }
        return "\"\(value.prefix(60))…\" (\(value.utf8.count) bytes)"
    }
}
