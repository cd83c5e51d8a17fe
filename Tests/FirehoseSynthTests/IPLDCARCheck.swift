import ATRepo
import IPLD

/// Imports a repository CAR with ATRepo to check it is complete and consistent.
enum IPLDCARCheck {
    static func parse(_ bytes: [UInt8]) throws -> (blocks: Int, records: Int) {
        let car = try CARFile(bytes: bytes)
        var map = BlockMap()
        for block in car.blocks { map.insert(Array(block.data), for: block.cid) }
        let repository = try Repository(commit: car.roots[0], blocks: map)
        return (car.blocks.count, repository.recordCount)
    }
}
