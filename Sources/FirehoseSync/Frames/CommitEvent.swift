public import ATRepo
public import IPLD

/// A `#commit` message body, with its envelope checked (Docs/CONTRACT.md §3 step 2).
///
/// https://atproto.com/specs/sync and `com.atproto.sync.subscribeRepos#commit`.
public struct CommitEvent: Sendable {
    /// The limit on `blocks` (bytes).
    public static let maxBlocksSize = 2_000_000
    /// The limit on `ops`.
    public static let maxOps = 200

    public let seq: Int64
    /// The account DID (`repo`).
    public let repo: String
    /// The commit's rev (a TID).
    public let rev: String
    /// The rev of the previous commit, or nil.
    public let since: String?
    /// The CID of the signed commit block.
    public let commit: CID
    /// The CAR slice, where it was read (in place in its frame when read by ``FrameView``, with the frame's indices).
    public let blockBytes: ArraySlice<UInt8>
    /// The CAR slice (a copy of ``blockBytes``).
    public var blocks: [UInt8] { Array(blockBytes) }
    /// The record operations.
    public let ops: [RepoOp]
    /// The MST root of the previous commit, when sent.
    public let prevData: CID?
    /// The broadcast time as sent (informal, unsigned), nil when absent or unreadable.
    public let time: String?
    /// Deprecated flags.
    public let tooBig: Bool
    public let rebase: Bool
    /// The length of the `ops` array as sent. A `delete` and `create` of one path compose into one update in
    /// ``ops``, so this can exceed `ops.count`; every listed op is verified through its composed op.
    public let listedOpCount: Int
    /// Deviations in the unsigned envelope, read leniently (in the order found).
    public let warnings: [ConformanceWarning]

    /// Creates an event from fields.
    public init(seq: Int64, repo: String, rev: String, since: String?, commit: CID, blocks: [UInt8], ops: [RepoOp],
                prevData: CID?, time: String?, tooBig: Bool = false, rebase: Bool = false, listedOpCount: Int? = nil,
                warnings: [ConformanceWarning] = []) {
        self.init(seq: seq, repo: repo, rev: rev, since: since, commit: commit, blockBytes: blocks[...], ops: ops, prevData: prevData,
                  time: time, tooBig: tooBig, rebase: rebase, listedOpCount: listedOpCount, warnings: warnings)
    }

    /// Creates an event whose CAR slice stays where it was read.
    init(seq: Int64, repo: String, rev: String, since: String?, commit: CID, blockBytes: ArraySlice<UInt8>, ops: [RepoOp],
         prevData: CID?, time: String?, tooBig: Bool = false, rebase: Bool = false, listedOpCount: Int? = nil,
         warnings: [ConformanceWarning] = []) {
        self.seq = seq
        self.repo = repo
        self.rev = rev
        self.since = since
        self.commit = commit
        self.blockBytes = blockBytes
        self.ops = ops
        self.prevData = prevData
        self.time = time
        self.tooBig = tooBig
        self.rebase = rebase
        self.listedOpCount = listedOpCount ?? ops.count
        self.warnings = warnings
    }

    /// The instant of ``time`` in µs since the Unix epoch, when it is readable.
    public var timeMicros: Int64? { EnvelopeTime.micros(time) }

    /// The body as a lexicon map (with the deprecated fields producers still send).
    public var body: [String: IPLDValue] {
        var map: [String: IPLDValue] = [
            "seq": .int(seq), "repo": .string(repo), "rev": .string(rev),
            "since": since.map { .string($0) } ?? .null,
            "commit": .link(commit), "blocks": .bytes(blocks),
            "ops": .list(ops.map(\.ipldValue)),
            "tooBig": .bool(tooBig), "rebase": .bool(rebase), "blobs": .list([]),
        ]
        if let time { map["time"] = .string(time) }
        if let prevData { map["prevData"] = .link(prevData) }
        return map
    }

    /// The frame carrying this event.
    public var frame: Frame { Frame(op: 1, type: "#commit", body: body) }
}
