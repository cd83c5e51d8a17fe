/// A handle (a DNS hostname naming an account), validated and normalised to lowercase.
///
/// At most 253 characters; two or more labels of 1–63 characters `[a-zA-Z0-9-]`, no label starting or
/// ending with a hyphen, the last label (TLD) starting with a letter. ASCII only (punycode for
/// internationalised names). Syntax alone accepts TLDs such as `.local` or `.onion`; see
/// ``hasDisallowedTLD`` for the ones that must not be resolved.
///
/// Spec: https://atproto.com/specs/handle
public struct Handle: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The handle in lowercase.
    public let description: String

    /// The longest handle accepted.
    public static let maximumLength = 253

    /// The placeholder handle used when an account's handle does not verify.
    public static let invalid = Handle(unchecked: "handle.invalid")

    /// TLDs that are valid syntax but must not be resolved or used by accounts (Docs/SPEC.md §11).
    public static let disallowedTLDs: Set<String> = [
        "alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion",
    ]

    /// Parses and validates a handle, normalising it to lowercase.
    public init(_ string: String) throws(ATSyntaxError) {
        let result: Result<String, Problem> = ASCII.withBytes(of: string) { bytes in
            if let problem = Handle.problem(bytes) { return .failure(problem) }
            return .success(ASCII.lowercased(bytes))
        }
        switch result {
        case .success(let normalised): self.init(unchecked: normalised)
        case .failure(let problem): throw ATSyntaxError(.invalidHandle, "\(problem): \(Quoted(string))")
        }
    }

    init(unchecked normalised: String) { self.description = normalised }

    /// Whether `string` is a valid handle.
    public static func isValid(_ string: String) -> Bool {
        ASCII.withBytes(of: string) { problem($0) == nil }
    }

    /// The last label, lowercase.
    public var tld: Substring {
        guard let dot = description.lastIndex(of: ".") else { return description[...] }
        return description[description.index(after: dot)...]
    }

    /// Whether the TLD is one that must not be used by accounts (`.local`, `.onion`, `.invalid`, …).
    public var hasDisallowedTLD: Bool { Handle.disallowedTLDs.contains(String(tld)) }

    public static func < (lhs: Handle, rhs: Handle) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    static func problem(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        if bytes.isEmpty { return "empty" }
        if bytes.count > maximumLength { return "longer than \(maximumLength) characters" }
        var labels = 0
        var start = 0
        var lastLabelStart = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == ASCII.dot {
            if let problem = ASCII.domainLabelProblem(bytes[start..<index]) { return Problem(problem) }
            labels += 1
            lastLabelStart = start
            start = index + 1
        }
        if labels < 2 { return "needs at least two labels" }
        if !ASCII.isLetter(bytes[lastLabelStart]) { return "top-level domain must start with a letter" }
        return nil
    }
}
