import ATRepo
import IPLD

/// A CAR file's roots and blocks for the tests, read with the IPLD module's `CARFile` (every block's hash is
/// checked against its CID).
struct TestCAR {
    var roots: [CID] = []
    var blocks: [(cid: CID, bytes: [UInt8])] = []

    var blockMap: BlockMap {
        var map = BlockMap()
        for block in blocks { map.insert(block.bytes, for: block.cid) }
        return map
    }

    init(_ bytes: [UInt8]) throws {
        let file = try CARFile(bytes: bytes)
        roots = file.roots
        blocks = file.blocks.map { ($0.cid, Array($0.data)) }
    }
}
