import ATSyntax

/// Which collections a mirror keeps (Docs/CONTRACT.md §1, `--collections NSID-or-prefix.*`).
///
/// Empty means every collection (a complete mirror). A pattern is an NSID (`app.bsky.feed.post`, that
/// collection only) or an NSID prefix followed by `.*` (`app.bsky.*`: every collection under it). Whatever the
/// filter, the whole repository is still verified; the filter only decides which records are stored.
public struct MirrorFilter: Sendable, Hashable, CustomStringConvertible {
    /// The patterns, sorted and without duplicates; empty for every collection.
    public let patterns: [String]

    /// Every collection.
    public static let all = MirrorFilter(checked: [])

    private init(checked: [String]) { patterns = checked }

    /// Validates `patterns`. Throws `invalid-collection-filter` for a pattern that is neither an NSID nor an
    /// NSID prefix followed by `.*`.
    public init(_ patterns: [String]) throws(FirehoseSyncError) {
        for pattern in patterns where !MirrorFilter.isValidPattern(pattern) {
            throw FirehoseSyncError(.invalidCollectionFilter, "\(pattern) is neither an NSID nor an NSID prefix followed by .*")
        }
        self.init(checked: Array(Set(patterns)).sorted())
    }

    /// Parses the stored form (patterns joined by spaces; empty for every collection).
    public init(encoded: String) throws(FirehoseSyncError) {
        try self.init(encoded.split(separator: " ").map(String.init))
    }

    /// The stored form: patterns joined by spaces.
    public var encoded: String { patterns.joined(separator: " ") }

    /// True when every collection is kept.
    public var isComplete: Bool { patterns.isEmpty }

    /// True when records of `collection` are kept.
    public func matches(_ collection: some StringProtocol) -> Bool {
        if patterns.isEmpty { return true }
        for pattern in patterns {
            if pattern.hasSuffix(".*") {
                let prefix = pattern.dropLast(2)
                if collection.count > prefix.count, collection.hasPrefix(prefix),
                   collection[collection.index(collection.startIndex, offsetBy: prefix.count)] == "." {
                    return true
                }
            } else if collection == pattern {
                return true
            }
        }
        return false
    }

    public var description: String { patterns.isEmpty ? "*" : patterns.joined(separator: ",") }

    static func isValidPattern(_ pattern: String) -> Bool {
        guard pattern.hasSuffix(".*") else { return NSID.isValid(pattern) }
        let segments = pattern.dropLast(2).split(separator: ".", omittingEmptySubsequences: false)
        guard !segments.isEmpty, pattern.utf8.count <= NSID.maximumLength else { return false }
        return segments.allSatisfy { segment in
            !segment.isEmpty && segment.utf8.count <= 63 && segment.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2d
            }
        }
    }
}
