public import IPLD

/// One record operation of a `#commit` (`#repoOp`, Docs/SPEC.md §3.1): what changed at `path`.
public struct RepoOp: Sendable, Hashable, CustomStringConvertible {
    /// The kind of change.
    public enum Action: String, Sendable, Hashable {
        /// A new record: `cid` set, no `prev`.
        case create
        /// A changed record: `cid` and (under Sync 1.1) `prev` set.
        case update
        /// A removed record: no `cid`; (under Sync 1.1) `prev` set.
        case delete
    }

    /// The kind of change.
    public var action: Action
    /// The repo path `<collection>/<rkey>`; its UTF-8 bytes are the MST key.
    public var path: String
    /// The new record CID (create, update).
    public var cid: CID?
    /// The previous record CID (update, delete); absent on legacy (pre-Sync 1.1) frames.
    public var prev: CID?

    /// Creates an operation.
    public init(action: Action, path: String, cid: CID?, prev: CID? = nil) {
        self.action = action
        self.path = path
        self.cid = cid
        self.prev = prev
    }

    /// The MST key: the path's UTF-8 bytes.
    public var key: [UInt8] { Array(path.utf8) }

    public var description: String {
        "\(action.rawValue) \(path)" + (cid.map { " cid=\($0)" } ?? "") + (prev.map { " prev=\($0)" } ?? "")
    }
}
