/// One block of a CAR file: its CID, where its section starts, and its data as a zero-copy slice of
/// the CAR bytes (the slice's indices are byte offsets into the CAR).
///
/// See https://ipld.io/specs/transport/car/carv1/#data.
public struct CARBlock: Sendable, Equatable {
    /// The block's CID as written in its section.
    public let cid: CID
    /// Byte offset of the section (its length varint) in the CAR.
    public let offset: Int
    /// The block data. `data.startIndex` is the data's byte offset in the CAR.
    public let data: ArraySlice<UInt8>

    /// Creates a block record.
    public init(cid: CID, offset: Int, data: ArraySlice<UInt8>) {
        self.cid = cid
        self.offset = offset
        self.data = data
    }

    /// Byte offset of the block data in the CAR.
    public var dataOffset: Int { data.startIndex }

    /// Length of the block data in bytes.
    public var length: Int { data.count }

    /// True when SHA-256 of the data matches the CID's digest (under the CID's codec).
    public var hashMatches: Bool {
        data.withUnsafeBytes { CID.compute(for: $0, codec: cid.codec) } == cid
    }

    /// Decodes the data as one strict DAG-CBOR item. Errors carry offsets relative to the CAR.
    public func decode(limits: DAGCBORLimits = .atproto) throws(IPLDError) -> IPLDValue {
        let base = dataOffset
        do {
            return try data.withUnsafeBytes { buffer throws(IPLDError) in try DAGCBOR.decode(buffer, limits: limits) }
        } catch let error as IPLDError {
            throw IPLDError(error.code, error.reason, offset: error.offset.map { $0 + base } ?? base)
        } catch {
            throw IPLDError(.truncated, "\(error)", offset: base)
        }
    }
}
