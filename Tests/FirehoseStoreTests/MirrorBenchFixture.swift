import ATCrypto
import ATRepo
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// Writes calabro.car with its commit re-signed by a test key (same DID, same `data`, same tree and records)
/// into `$BREAKWATER_BENCH_FIXTURES`, so `Scripts/bench-mirror.sh` can time `mirror import` on it through the
/// CLI, which always checks a signature (calabro.car is published without its account's key). Skipped unless
/// that variable is set.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BREAKWATER_BENCH_FIXTURES"] != nil))
struct MirrorBenchFixture {
    @Test func writeResignedCalabro() throws {
        let folder = try #require(ProcessInfo.processInfo.environment["BREAKWATER_BENCH_FIXTURES"])
        let file = try CARFile(bytes: [UInt8](try Vectors.data("shrike/benches/fixtures/calabro.car")))
        let original = try Commit(block: Array(try #require(file.data(for: file.root))), acceptVersion2: true)
        let key = PrivateKey.derive(curve: .k256, seed: Array("calabro-bench".utf8))
        let commit = try Commit.signed(did: original.did, rev: original.rev ?? "3lbbbbbbbbb22", data: original.data,
                                       sign: { key.sign(message: $0) })
        let blocks = [(cid: commit.cid, data: commit.bytes)] + file.blocks.filter { $0.cid != file.root }.map { ($0.cid, Array($0.data)) }
        try Data(CARWriter.write(roots: [commit.cid], blocks: blocks))
            .write(to: URL(fileURLWithPath: folder).appendingPathComponent("calabro-resigned.car"))
        try Data("\(original.did) \(key.publicKey.didKey)\n".utf8)
            .write(to: URL(fileURLWithPath: folder).appendingPathComponent("calabro-resigned.txt"))
    }
}
