import ATRepo
import IPLD

/// A minimal CAR v1 reader for the tests, until the IPLD module's CAR reader is merged.
/// Checks that every block hashes to its CID.
struct TestCAR {
    var roots: [CID] = []
    var blocks: [(cid: CID, bytes: [UInt8])] = []

    var blockMap: BlockMap {
        var map = BlockMap()
        for block in blocks { map.insert(block.bytes, for: block.cid) }
        return map
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(_ bytes: [UInt8]) throws {
        var offset = 0
        let headerLength = Int(try Varint.decode(bytes, offset: &offset))
        guard headerLength <= bytes.count - offset else { throw Failure(description: "header truncated") }
        let header = try DAGCBOR.decode(Array(bytes[offset..<(offset + headerLength)]))
        offset += headerLength
        guard header["version"]?.intValue == 1, let roots = header["roots"]?.listValue else {
            throw Failure(description: "bad header")
        }
        self.roots = roots.compactMap(\.linkValue)
        while offset < bytes.count {
            let length = Int(try Varint.decode(bytes, offset: &offset))
            guard length <= bytes.count - offset else { throw Failure(description: "section truncated") }
            let end = offset + length
            var cidOffset = offset
            let cid = try bytes.withUnsafeBytes { buffer in try CID.parse(buffer, offset: &cidOffset) }
            let data = Array(bytes[cidOffset..<end])
            guard CID.compute(for: data, codec: cid.codec) == cid else { throw Failure(description: "block \(cid) hash mismatch") }
            blocks.append((cid, data))
            offset = end
        }
    }
}
