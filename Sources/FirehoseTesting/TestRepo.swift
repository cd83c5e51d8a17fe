public import ATCrypto
public import ATRepo
import Foundation
public import IPLD

/// A signed repository built in a test: records as DAG-CBOR maps, the tree with `MST(sorted:)`, a v3 commit.
public struct TestRepo: Sendable {
    /// The account key.
    public static let key = PrivateKey.derive(curve: .k256, seed: Array(repeating: 7, count: 32))
    /// The account.
    public static let did = "did:plc:testmirroraccount0000000"

    /// The records by path (`collection/rkey`).
    public var records: [String: [UInt8]]
    /// The commit rev.
    public var rev: String

    /// A repository of `records` signed at `rev`.
    public init(records: [String: [UInt8]], rev: String) {
        self.records = records
        self.rev = rev
    }

    /// `count` records spread over a few collections; `variant` changes their content.
    public static func make(count: Int, variant: Int = 0, rev: String = "3lbbbbbbbbb22") -> TestRepo {
        let collections = ["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.graph.follow", "com.example.thing"]
        var records: [String: [UInt8]] = [:]
        for i in 0..<count {
            let collection = collections[i % collections.count]
            let rkey = String(format: "3k%011d", i)
            records["\(collection)/\(rkey)"] = record(collection: collection, i: i, variant: variant)
        }
        return TestRepo(records: records, rev: rev)
    }

    /// Record `i` of `collection`.
    public static func record(collection: String, i: Int, variant: Int) -> [UInt8] {
        DAGCBOR.encode(.map([
            "$type": .string(collection), "text": .string("record \(i) variant \(variant)"),
            "createdAt": .string("2026-01-01T00:00:00.000Z"),
        ]))
    }

    /// The entries in key order.
    public var sortedEntries: [(key: [UInt8], value: CID, bytes: [UInt8])] {
        records.map { (Array($0.key.utf8), CID.compute(for: $0.value), $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    /// The tree.
    public func tree() throws -> MST { try MST(sorted: sortedEntries.map { ($0.key, $0.value) }) }

    /// The signed commit.
    public func commit(key: PrivateKey = TestRepo.key, did: String = TestRepo.did) throws -> Commit {
        try Commit.signed(did: did, rev: rev, data: try tree().rootCID, sign: { key.sign(message: $0) })
    }

    /// The CAR blocks in export order (commit, then nodes with records interleaved).
    public func blocks(did: String = TestRepo.did, key: PrivateKey = TestRepo.key) throws -> [(cid: CID, data: [UInt8])] {
        let commit = try commit(key: key, did: did)
        var byCID: [CID: [UInt8]] = [:]
        for entry in sortedEntries { byCID[entry.value] = entry.bytes }
        var out: [(cid: CID, data: [UInt8])] = [(commit.cid, commit.bytes)]
        var seen = Set<CID>()
        try tree().preorder { node, record in
            if let node { out.append((node.cid, node.bytes)) }
            if let record, seen.insert(record).inserted, let bytes = byCID[record] { out.append((record, bytes)) }
        }
        return out
    }

    /// The repository CAR.
    public func car(did: String = TestRepo.did, key: PrivateKey = TestRepo.key) throws -> [UInt8] {
        let blocks = try blocks(did: did, key: key)
        return CARWriter.write(roots: [blocks[0].cid], blocks: blocks)
    }
}

