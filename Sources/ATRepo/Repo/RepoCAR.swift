import IPLD

/// A minimal CAR v1 writer for repository exports (https://ipld.io/specs/transport/car/carv1/).
/// To be replaced by the IPLD module's CAR writer once it is merged.
enum RepoCAR {
    static func write(root: CID, blocks: [(cid: CID, bytes: [UInt8])]) -> [UInt8] {
        let header = DAGCBOR.encode(.map(["roots": .list([.link(root)]), "version": .int(1)]))
        var out: [UInt8] = []
        out.reserveCapacity(header.count + blocks.reduce(0) { $0 + $1.bytes.count + 40 })
        Varint.encode(UInt64(header.count), into: &out)
        out.append(contentsOf: header)
        for block in blocks {
            Varint.encode(UInt64(CID.binaryLength + block.bytes.count), into: &out)
            block.cid.append(to: &out)
            out.append(contentsOf: block.bytes)
        }
        return out
    }
}
