/// A whole CAR v1 file, parsed and indexed by CID.
///
/// Every block's SHA-256 is checked against its CID unless asked otherwise; blocks keep their byte
/// offsets and share the input's storage (no copies). Duplicate blocks are tolerated: ``blocks`` keeps
/// every section in file order, and lookups return the first. Memory beyond the input is bounded by
/// the number of sections, each of which takes at least 38 input bytes.
///
/// See https://ipld.io/specs/transport/car/carv1/ and https://atproto.com/specs/repository.
public struct CARFile: Sendable {
    /// The whole CAR.
    public let bytes: [UInt8]
    /// The root CIDs (never empty). For atproto, `roots[0]` is the commit.
    public let roots: [CID]
    /// Every block in file order, duplicates included.
    public let blocks: [CARBlock]
    private let index: [CID: Int]
    /// True when every block's hash was checked against its CID while parsing.
    public let verifiedHashes: Bool

    /// Parses and (by default) hash-checks every block of `bytes`.
    public init(bytes: [UInt8], verifyingHashes: Bool = true) throws(IPLDError) {
        var reader = try CARReader(bytes: bytes, verifyingHashes: verifyingHashes)
        var blocks: [CARBlock] = []
        var index: [CID: Int] = [:]
        while let block = try reader.nextBlock() {
            if index[block.cid] == nil { index[block.cid] = blocks.count }
            blocks.append(block)
        }
        self.bytes = bytes
        self.roots = reader.roots
        self.blocks = blocks
        self.index = index
        self.verifiedHashes = verifyingHashes
    }

    /// The first root (for atproto, the commit CID).
    public var root: CID { roots[0] }

    /// The number of distinct CIDs.
    public var uniqueBlockCount: Int { index.count }

    /// The block with `cid`, if present.
    public subscript(cid: CID) -> CARBlock? {
        guard let position = index[cid] else { return nil }
        return blocks[position]
    }

    /// The data of the block with `cid`, if present (a zero-copy slice).
    public func data(for cid: CID) -> ArraySlice<UInt8>? {
        self[cid]?.data
    }

    /// True when a block with `cid` is present.
    public func contains(_ cid: CID) -> Bool {
        index[cid] != nil
    }
}
