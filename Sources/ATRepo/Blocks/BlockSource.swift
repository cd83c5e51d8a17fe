public import IPLD

/// Where tree and record blocks come from: a CAR slice, a full repository export, or a test.
///
/// Implementations return the exact block bytes for a CID, or nil when the block is absent. They
/// are expected to hold only blocks whose bytes hash to their CID (a CAR reader checks this).
public protocol BlockSource {
    /// The bytes of the block `cid`, or nil when it is not in this source.
    func block(for cid: CID) -> [UInt8]?

    /// Calls `body` with the bytes of the block `cid` in place and returns its result, or nil when the
    /// block is absent. Sources that hold blocks inside a larger buffer (a CAR) implement it without
    /// copying; the default goes through ``block(for:)``.
    func withBlock<Result>(for cid: CID, _ body: (UnsafeRawBufferPointer) throws(ATRepoError) -> Result) throws(ATRepoError) -> Result?

    /// True when the block `cid` is present.
    func contains(_ cid: CID) -> Bool
}

extension BlockSource {
    public func withBlock<Result>(for cid: CID, _ body: (UnsafeRawBufferPointer) throws(ATRepoError) -> Result) throws(ATRepoError) -> Result? {
        guard let bytes = block(for: cid) else { return nil }
        let result: Swift.Result<Result, ATRepoError> = bytes.withUnsafeBytes { buffer in
            Swift.Result { () throws(ATRepoError) -> Result in try body(buffer) }
        }
        return try result.get()
    }

    public func contains(_ cid: CID) -> Bool { block(for: cid) != nil }
}

/// A block source over an index into a larger buffer (a CAR): ``data(for:)`` gives a block's bytes in place, so
/// lookups read them without copying.
public protocol InPlaceBlockSource: BlockSource {
    /// The bytes of the block `cid` inside the source's buffer, or nil when it is not in this source.
    func data(for cid: CID) -> ArraySlice<UInt8>?
}

extension InPlaceBlockSource {
    public func block(for cid: CID) -> [UInt8]? { data(for: cid).map { Array($0) } }

    public func withBlock<Result>(for cid: CID, _ body: (UnsafeRawBufferPointer) throws(ATRepoError) -> Result) throws(ATRepoError) -> Result? {
        guard let slice = data(for: cid) else { return nil }
        let result: Swift.Result<Result, ATRepoError> = slice.withUnsafeBytes { buffer in
            Swift.Result { () throws(ATRepoError) -> Result in try body(buffer) }
        }
        return try result.get()
    }
}

/// A parsed CAR (a full export, or a slice read by the generic reader) is a block source read in place.
extension CARFile: InPlaceBlockSource {}

/// A simple in-memory ``BlockSource``: a dictionary from CID to block bytes.
public struct BlockMap: BlockSource, Sendable, Hashable {
    /// The blocks by CID.
    public var blocks: [CID: [UInt8]]

    /// Creates a map from existing blocks.
    public init(_ blocks: [CID: [UInt8]] = [:]) { self.blocks = blocks }

    /// Adds a block under the CID of its bytes (dag-cbor unless `codec` says otherwise) and returns it.
    @discardableResult
    public mutating func insert(_ bytes: [UInt8], codec: CID.Codec = .dagCBOR) -> CID {
        let cid = CID.compute(for: bytes, codec: codec)
        blocks[cid] = bytes
        return cid
    }

    /// Adds a block under a given CID (the caller vouches that the bytes hash to it).
    public mutating func insert(_ bytes: [UInt8], for cid: CID) { blocks[cid] = bytes }

    /// The number of blocks.
    public var count: Int { blocks.count }

    public func block(for cid: CID) -> [UInt8]? { blocks[cid] }
}
