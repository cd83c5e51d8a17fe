public import IPLD

/// The blocks of a repository CAR, one at a time, so a full repository can be imported without holding
/// it in memory (Docs/SPEC.md §6). Implementations check each block's hash against its CID before returning it.
public protocol RepoBlockStream {
    /// The CAR's roots (`roots[0]` is the commit).
    var roots: [CID] { get }
    /// The next block, or nil at the end. Throws (e.g. `IPLDError` `block-hash-mismatch`, `truncated`) on
    /// malformed input.
    mutating func nextBlock() throws -> (cid: CID, bytes: [UInt8])?
}

/// A ``RepoBlockStream`` over CAR bytes in memory (e.g. a `getRepo` response).
public struct CARBytesStream: RepoBlockStream {
    var reader: CARReader

    /// Parses the CAR header. Throws `IPLDError` for a malformed header.
    public init(bytes: [UInt8]) throws(IPLDError) {
        reader = try CARReader(bytes: bytes, verifyingHashes: true)
    }

    public var roots: [CID] { reader.roots }

    public mutating func nextBlock() throws -> (cid: CID, bytes: [UInt8])? {
        guard let block = try reader.nextBlock() else { return nil }
        return (block.cid, Array(block.data))
    }
}
