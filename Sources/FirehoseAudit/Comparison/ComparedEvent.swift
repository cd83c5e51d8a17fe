import FirehoseSync
import IPLD

/// One account event of a recording, reduced to what `audit compare` matches and compares: a key that does
/// not depend on the relay (type, DID and rev; for events without a rev, a digest of the body without `seq`),
/// where it sits in the recording, and digests of the fields two relays must agree on.
public struct ComparedEvent: Sendable, Hashable {
    /// A reference to the event for reports.
    public struct Reference: Sendable, Hashable {
        /// `commit`, `sync`, `identity`, `account`.
        public var type: String
        /// The account.
        public var did: String
        /// The rev (commits and syncs).
        public var rev: String?
        /// The seq in this recording.
        public var seq: Int64?
        /// The 0-based frame index in this recording.
        public var index: Int

        /// Creates a reference.
        public init(type: String, did: String, rev: String?, seq: Int64?, index: Int) {
            self.type = type
            self.did = did
            self.rev = rev
            self.seq = seq
            self.index = index
        }
    }

    /// The matching key.
    public var key: String
    /// Where the event is.
    public var reference: Reference
    /// Digests of the compared fields by name (`commit`, `blocks`, `ops`, `prevData`, `since`).
    public var fields: [String: [UInt8]]

    /// Creates a summary (``summarize(_:index:)`` makes them from frames).
    public init(key: String, reference: Reference, fields: [String: [UInt8]]) {
        self.key = key
        self.reference = reference
        self.fields = fields
    }

    /// What a frame is for the comparison.
    public enum Kind: Sendable {
        /// An account event.
        case event(ComparedEvent)
        /// A frame that does not decode.
        case undecodable
        /// A decodable frame that is not an account event (info, error, unknown type), with its seq if any.
        case other(seq: Int64?)
    }

    /// Reduces one frame.
    public static func summarize(_ bytes: [UInt8], index: Int) -> Kind {
        let frame: Frame
        do { frame = try Frame(decoding: bytes) } catch { return .undecodable }
        let seq = frame.seq
        guard frame.op == 1, let type = frame.shortType, let did = frame.didField else { return .other(seq: seq) }
        var fields: [String: [UInt8]] = [:]
        let key: String
        let rev = frame.revField
        switch type {
        case "commit", "sync":
            guard let rev else { return .other(seq: seq) }
            key = "\(type)|\(did)|\(rev)"
            if let commit = frame.body["commit"] { fields["commit"] = DAGCBOR.encode(commit) }
            if let blocks = frame.body["blocks"]?.bytesValue { fields["blocks"] = blocksDigest(blocks) }
            if let ops = frame.body["ops"] { fields["ops"] = CID.compute(for: DAGCBOR.encode(ops)).bytes }
            if let prevData = frame.body["prevData"] { fields["prevData"] = DAGCBOR.encode(prevData) }
            if let since = frame.body["since"] { fields["since"] = DAGCBOR.encode(since) }
        case "identity", "account", "handle", "migrate", "tombstone":
            var body = frame.body
            body["seq"] = nil
            key = "\(type)|\(did)|" + CID.compute(for: DAGCBOR.encode(.map(body))).string
        default:
            return .other(seq: seq)
        }
        return .event(ComparedEvent(key: key, reference: Reference(type: type, did: did, rev: type == "commit" || type == "sync" ? rev : nil,
                                                                   seq: seq, index: index), fields: fields))
    }

    /// A digest of a CAR slice that ignores block order: the sorted (CID, content hash) pairs; the raw bytes'
    /// hash when the CAR does not parse.
    static func blocksDigest(_ car: [UInt8]) -> [UInt8] {
        var pairs: [[UInt8]] = []
        do {
            var reader = try CARReader(bytes: car, verifyingHashes: false)
            pairs.append(DAGCBOR.encode(.list(reader.roots.map { .link($0) })))
            while let block = try reader.nextBlock() {
                pairs.append(block.cid.bytes + CID.compute(for: Array(block.data)).bytes)
            }
        } catch {
            return CID.compute(for: car).bytes
        }
        let roots = pairs.removeFirst()
        pairs.sort { $0.lexicographicallyPrecedes($1) }
        return CID.compute(for: roots + pairs.flatMap { $0 }).bytes
    }
}
