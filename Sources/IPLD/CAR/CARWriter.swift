/// Writes a CAR v1 file: the header, then blocks in the order given.
///
/// The header is canonical DAG-CBOR `{"roots": […], "version": 1}`; each block is written as
/// `varint(len(CID) + len(data)) ‖ CID ‖ data`. CIDs are written as given, not recomputed.
/// See https://ipld.io/specs/transport/car/carv1/.
public struct CARWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Starts a CAR with the given roots (atproto requires at least one, the commit first).
    public init(roots: [CID], capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
        let header = DAGCBOR.encode(CARHeader(roots: roots).value)
        Varint.encode(UInt64(header.count), into: &bytes)
        bytes.append(contentsOf: header)
    }

    /// Appends one block section.
    public mutating func append(cid: CID, data: some Collection<UInt8>) {
        Varint.encode(UInt64(CID.binaryLength + data.count), into: &bytes)
        cid.append(to: &bytes)
        bytes.append(contentsOf: data)
    }

    /// Appends a block, computing its CID from the data; returns the CID.
    @discardableResult
    public mutating func append(data: [UInt8], codec: CID.Codec = .dagCBOR) -> CID {
        let cid = CID.compute(for: data, codec: codec)
        append(cid: cid, data: data)
        return cid
    }

    /// A whole CAR from roots and (CID, data) pairs in order.
    public static func write(roots: [CID], blocks: [(cid: CID, data: [UInt8])]) -> [UInt8] {
        var writer = CARWriter(roots: roots, capacity: blocks.reduce(64) { $0 + $1.data.count + 40 })
        for block in blocks { writer.append(cid: block.cid, data: block.data) }
        return writer.bytes
    }
}
