/// A repository path `<collection>/<rkey>`: the key of a record in a repository's MST.
///
/// Exactly two segments: a valid NSID collection and a valid record key. The string is kept exactly
/// as given (the MST key is its UTF-8 bytes, compared bytewise), so a collection whose authority is
/// not lowercase is accepted and kept, as the reference implementations do.
///
/// Spec: https://atproto.com/specs/repository#repo-data-structure-v3 (Docs/SPEC.md §5.1)
public struct RepoPath: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The path string.
    public let description: String
    /// Byte offset of the `/`.
    private let slash: Int

    /// Parses and validates a repository path.
    public init(_ string: String) throws(ATSyntaxError) {
        let result = ASCII.withBytes(of: string) { RepoPath.check($0) }
        switch result {
        case .success(let slash): self.init(unchecked: string, slash: slash)
        case .failure(let problem): throw ATSyntaxError(.invalidRepoPath, "\(problem): \(Quoted(string))")
        }
    }

    /// Parses and validates a repository path given as the bytes of an MST key.
    public init(bytes: some Collection<UInt8>) throws(ATSyntaxError) {
        let array = Array(bytes)
        let result = array.withUnsafeBufferPointer { RepoPath.check($0) }
        switch result {
        case .success(let slash):
            // Validated bytes are ASCII, so decoding cannot repair anything.
            self.init(unchecked: String(decoding: array, as: UTF8.self), slash: slash)
        case .failure(let problem):
            throw ATSyntaxError(.invalidRepoPath, "\(problem): \(Quoted(String(decoding: array, as: UTF8.self)))")
        }
    }

    /// A path from its two validated parts.
    public init(collection: NSID, recordKey: RecordKey) {
        self.init(unchecked: collection.description + "/" + recordKey.description, slash: collection.description.utf8.count)
    }

    init(unchecked string: String, slash: Int) {
        self.description = string
        self.slash = slash
    }

    /// Whether `string` is a valid repository path.
    public static func isValid(_ string: String) -> Bool {
        if case .success = ASCII.withBytes(of: string, { check($0) }) { return true }
        return false
    }

    /// The collection (an NSID).
    public var collection: NSID {
        let utf8 = description.utf8
        return NSID(unchecked: String(description[..<utf8.index(utf8.startIndex, offsetBy: slash)]))
    }

    /// The record key.
    public var recordKey: RecordKey {
        let utf8 = description.utf8
        return RecordKey(unchecked: String(description[utf8.index(utf8.startIndex, offsetBy: slash + 1)...]))
    }

    /// The MST key: the path's UTF-8 bytes.
    public var bytes: [UInt8] { Array(description.utf8) }

    /// Bytewise order of the MST keys.
    public static func < (lhs: RepoPath, rhs: RepoPath) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int, Problem> {
        guard let slash = bytes.firstIndex(of: ASCII.slash) else { return .failure("needs <collection>/<rkey>") }
        if let problem = NSID.problem(bytes[..<slash]) { return .failure("collection: \(problem)") }
        if let problem = RecordKey.problem(bytes[(slash + 1)...]) { return .failure("record key: \(problem)") }
        return .success(slash)
    }
}
