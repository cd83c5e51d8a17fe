/// An `at://` URI in the restricted syntax used for records: `at://<authority>[/<collection>[/<rkey>]]`.
///
/// The authority is a DID or handle, the collection an NSID, the record key a valid record key. No
/// query, no fragment, no trailing slash; at most 8 KiB. A handle authority is normalised to lowercase.
///
/// Spec: https://atproto.com/specs/at-uri-scheme
public struct ATURI: Hashable, Sendable, CustomStringConvertible {
    /// The account.
    public let authority: ATIdentifier
    /// The collection, when present.
    public let collection: NSID?
    /// The record key, when present (only with a collection).
    public let recordKey: RecordKey?

    /// The longest AT URI accepted, in bytes.
    public static let maximumLength = 8192

    /// Parses and validates an AT URI.
    public init(_ string: String) throws(ATSyntaxError) {
        let utf8 = string.utf8
        if utf8.count > ATURI.maximumLength {
            throw ATSyntaxError(.invalidATURI, "longer than \(ATURI.maximumLength) bytes: \(Quoted(string))")
        }
        guard utf8.starts(with: "at://".utf8) else {
            throw ATSyntaxError(.invalidATURI, "must start with \"at://\": \(Quoted(string))")
        }
        let rest = string.dropFirst(5)
        let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        do throws(ATSyntaxError) {
            self.authority = try ATIdentifier(String(parts[0]))
            self.collection = parts.count > 1 ? try NSID(String(parts[1])) : nil
            self.recordKey = parts.count > 2 ? try RecordKey(String(parts[2])) : nil
        } catch {
            throw ATSyntaxError(.invalidATURI, "\(error.reason) in \(Quoted(string))")
        }
    }

    /// A URI for a record.
    public init(did: DID, path: RepoPath) {
        self.authority = .did(did)
        self.collection = path.collection
        self.recordKey = path.recordKey
    }

    /// The repository path, when both collection and record key are present.
    public var repoPath: RepoPath? {
        guard let collection, let recordKey else { return nil }
        return RepoPath(collection: collection, recordKey: recordKey)
    }

    public var description: String {
        var out = "at://" + authority.description
        if let collection { out += "/" + collection.description }
        if let recordKey { out += "/" + recordKey.description }
        return out
    }
}
