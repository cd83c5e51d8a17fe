import ATRepo
import IPLD

/// A `#commit` frame read in place: the header compared as bytes, the body's entries read one by one in canonical
/// order into the fields of a ``CommitEvent``, without building the body's map (the ops read in place too:
/// ``RepoOp/readListedInPlace(_:)``).
///
/// It reads only the usual shape: the header `{"t": "#commit", "op": 1}`, a body whose keys are all `#commit` fields,
/// and an envelope that passes every check of ``CommitEvent/parse(_:enforceDeprecatedFlags:)``. For any other frame,
/// valid or not, it gives nil and the frame is decoded by ``Frame/init(decoding:)`` and classified as before, so a
/// frame is accepted, refused and reported exactly as the generic decode does (error text built only there).
enum FrameView {
    /// The canonical header of a `#commit` message: `{"t": "#commit", "op": 1}`.
    static let commitHeader: [UInt8] = [0xa2, 0x61, 0x74, 0x67, 0x23, 0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x62, 0x6f, 0x70, 0x01]

    /// The envelope fields of a `#commit` body as read (nil when absent).
    struct CommitFields {
        /// The ops, checked and composed as they were read, and how many were listed.
        var ops: (ops: [RepoOp], composed: Bool, listed: Int)?
        var rev: IPLDValue?
        var seq: IPLDValue?
        var repo: IPLDValue?
        var time: IPLDValue?
        var blobs: IPLDValue?
        var since: IPLDValue?
        /// `blocks` when it is something other than a byte string (which the generic path then refuses).
        var blocks: IPLDValue?
        /// Where the bytes of `blocks` lie in the frame, when it is a byte string.
        var blocksRange: Range<Int>?
        var commit: IPLDValue?
        var rebase: IPLDValue?
        var tooBig: IPLDValue?
        var prevData: IPLDValue?
    }

    /// The event of a strict `#commit` frame of the usual shape whose envelope passes its checks; nil otherwise.
    static func commitEvent(_ bytes: [UInt8], enforceDeprecatedFlags: Bool) -> CommitEvent? {
        var none: DIDInterner? = nil
        return commitEvent(bytes, enforceDeprecatedFlags: enforceDeprecatedFlags, interning: &none)
    }

    /// ``commitEvent(_:enforceDeprecatedFlags:)`` taking the `repo` string from `interner` when given.
    static func commitEvent(_ bytes: [UInt8], enforceDeprecatedFlags: Bool, interning interner: inout DIDInterner?) -> CommitEvent? {
        let headerCount = commitHeader.count
        guard bytes.count <= Frame.maxSize, bytes.count > headerCount else { return nil }
        let fields = bytes.withUnsafeBytes { buffer -> CommitFields? in
            for index in 0..<headerCount where buffer[index] != commitHeader[index] { return nil }
            var reader = DAGCBORReader(buffer, offset: headerCount)
            do throws(IPLDError) {
                guard let count = try reader.readMapHead() else { return nil }
                var fields = CommitFields()
                var previous: UnsafeRawBufferPointer? = nil
                for _ in 0..<count {
                    let key = try reader.readMapKey(after: &previous)
                    // Keys are strictly ascending, so each field is met at most once.
                    if DAGCBORReader.key(key, is: "ops") {
                        guard let read = RepoOp.readOpsInPlace(&reader) else { return nil }
                        fields.ops = read
                        continue
                    }
                    if DAGCBORReader.key(key, is: "blocks"), let range = try reader.readByteStringRange() {
                        fields.blocksRange = range  // the CAR stays in the frame: no copy
                        continue
                    }
                    if interner != nil, DAGCBORReader.key(key, is: "repo"), let range = try reader.readTextRange() {
                        fields.repo = .string(interner!.string(UnsafeRawBufferPointer(rebasing: buffer[range])))
                        continue
                    }
                    let value = try reader.readValue(nestedIn: 1)
                    guard store(value, under: key, in: &fields) else { return nil }
                }
                guard reader.isAtEnd else { return nil }
                return fields
            } catch {
                return nil
            }
        }
        return fields.flatMap { event(of: $0, in: bytes, enforceDeprecatedFlags: enforceDeprecatedFlags) }
    }

    /// Puts `value` in the field named `key`; false for a key that is not a `#commit` field.
    private static func store(_ value: IPLDValue, under key: UnsafeRawBufferPointer, in fields: inout CommitFields) -> Bool {
        switch key.count {
        case 3:
            if DAGCBORReader.key(key, is: "rev") { fields.rev = value } else if DAGCBORReader.key(key, is: "seq") { fields.seq = value } else { return false }
        case 4:
            if DAGCBORReader.key(key, is: "repo") { fields.repo = value } else if DAGCBORReader.key(key, is: "time") { fields.time = value } else { return false }
        case 5:
            if DAGCBORReader.key(key, is: "blobs") { fields.blobs = value } else if DAGCBORReader.key(key, is: "since") { fields.since = value } else { return false }
        case 6:
            if DAGCBORReader.key(key, is: "blocks") { fields.blocks = value } else if DAGCBORReader.key(key, is: "commit") { fields.commit = value } else if DAGCBORReader.key(key, is: "rebase") { fields.rebase = value } else if DAGCBORReader.key(key, is: "tooBig") { fields.tooBig = value } else { return false }
        case 8:
            guard DAGCBORReader.key(key, is: "prevData") else { return false }
            fields.prevData = value
        default:
            return false
        }
        return true
    }

    /// The event when `fields` pass every check of ``CommitEvent/parse(_:enforceDeprecatedFlags:)``, with the warnings
    /// it would give in its order; nil when any check fails (the generic path then names the failure).
    private static func event(of fields: CommitFields, in frame: [UInt8], enforceDeprecatedFlags: Bool) -> CommitEvent? {
        var warnings: [ConformanceWarning] = []
        guard case .int(let seq)? = fields.seq, EventSeq.isValid(seq),
              case .string(let repo)? = fields.repo, case .string(let rev)? = fields.rev else { return nil }
        var since: String? = nil
        switch fields.since {
        case .string(let text)? where text.isEmpty: warnings.append(.sinceEmpty)
        case .string(let text)?: since = text
        case .null?: break
        default: return nil
        }
        guard case .link(let commit)? = fields.commit, let blocks = fields.blocksRange, let parsed = fields.ops else { return nil }
        var prevData: CID? = nil
        switch fields.prevData {
        case .link(let cid)?: prevData = cid
        case .null?, nil: break
        default: return nil
        }
        let time = EnvelopeTime.read(fields.time)
        if let warning = time.warning { warnings.append(warning) }
        guard let tooBig = flag(fields.tooBig, absent: .tooBigAbsent, warnings: &warnings),
              let rebase = flag(fields.rebase, absent: .rebaseAbsent, warnings: &warnings) else { return nil }
        switch fields.blobs {
        case .list?, .null?: break
        case nil: warnings.append(.blobsAbsent)
        default: return nil
        }
        guard SyntaxCheck.isDID(repo), SyntaxCheck.isTID(rev) else { return nil }
        if let since, !SyntaxCheck.isTID(since) { return nil }
        if parsed.composed { warnings.append(.deleteCreateSamePath) }
        guard parsed.listed <= CommitEvent.maxOps, blocks.count <= CommitEvent.maxBlocksSize,
              !(enforceDeprecatedFlags && (tooBig || rebase)) else { return nil }
        return CommitEvent(seq: seq, repo: repo, rev: rev, since: since, commit: commit, blockBytes: frame[blocks], ops: parsed.ops,
                           prevData: prevData, time: time.text, tooBig: tooBig, rebase: rebase,
                           listedOpCount: parsed.listed, warnings: warnings)
    }

    /// A deprecated boolean flag: its value, false with the `absent` warning when missing, nil when of another type.
    private static func flag(_ value: IPLDValue?, absent: ConformanceWarning, warnings: inout [ConformanceWarning]) -> Bool? {
        switch value {
        case .bool(let flag)?: return flag
        case nil:
            warnings.append(absent)
            return false
        default: return nil
        }
    }
}
