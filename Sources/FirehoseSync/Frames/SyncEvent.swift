public import IPLD

/// A `#sync` message: "this is the current state of the repo" — a CAR holding only the signed commit.
///
/// `com.atproto.sync.subscribeRepos#sync`; Docs/SPEC.md §3.2 and §7.4.
public struct SyncEvent: Sendable {
    /// The limit on `blocks` (the relay's; the lexicon says 10,000).
    public static let maxBlocksSize = 2_000_000

    public let seq: Int64
    public let did: String
    public let rev: String
    /// A CAR whose `roots[0]` is the commit.
    public let blocks: [UInt8]
    /// The broadcast time as sent (unsigned), nil when absent or unreadable.
    public let time: String?
    /// Deviations in the unsigned envelope, read leniently.
    public let warnings: [ConformanceWarning]

    /// Creates an event.
    public init(seq: Int64, did: String, rev: String, blocks: [UInt8], time: String?, warnings: [ConformanceWarning] = []) {
        self.seq = seq
        self.did = did
        self.rev = rev
        self.blocks = blocks
        self.time = time
        self.warnings = warnings
    }

    /// The lexicon body.
    public var body: [String: IPLDValue] {
        var map: [String: IPLDValue] = ["seq": .int(seq), "did": .string(did), "rev": .string(rev), "blocks": .bytes(blocks)]
        if let time { map["time"] = .string(time) }
        return map
    }

    /// The frame carrying this event.
    public var frame: Frame { Frame(op: 1, type: "#sync", body: body) }

    /// Parses and checks the envelope (`time` read leniently, with a warning).
    public static func parse(_ body: [String: IPLDValue]) -> Result<SyncEvent, Rejection> {
        func missing(_ field: String) -> Result<SyncEvent, Rejection> {
            .failure(Rejection(.malformedEvent, "#sync field '\(field)' is missing or has the wrong type"))
        }
        guard let seq = body["seq"]?.intValue else { return missing("seq") }
        guard EventSeq.isValid(seq) else { return .failure(EventSeq.rejection(seq, type: "#sync")) }
        guard let did = body["did"]?.stringValue else { return missing("did") }
        guard let rev = body["rev"]?.stringValue else { return missing("rev") }
        guard let blocks = body["blocks"]?.bytesValue else { return missing("blocks") }
        let time = EnvelopeTime.read(body["time"])
        guard SyntaxCheck.isDID(did) else { return .failure(Rejection(.malformedEvent, "did '\(did.prefix(100))' is not a valid DID")) }
        guard SyntaxCheck.isTID(rev) else { return .failure(Rejection(.malformedEvent, "rev '\(rev.prefix(40))' is not a valid TID")) }
        guard blocks.count <= maxBlocksSize else {
            return .failure(Rejection(.oversize, "blocks of \(blocks.count) bytes exceed \(maxBlocksSize)"))
        }
        return .success(SyncEvent(seq: seq, did: did, rev: rev, blocks: blocks, time: time.text, warnings: time.warning.map { [$0] } ?? []))
    }
}
