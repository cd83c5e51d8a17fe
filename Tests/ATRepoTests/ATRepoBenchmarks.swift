import ATRepo
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// Timings for the report; run once in release: `BREAKWATER_BENCH=1 swift test -c release --filter ATRepoBenchmarks`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BREAKWATER_BENCH"] == "1"))
struct ATRepoBenchmarks {
    /// Thread CPU time of `body` (the machine is shared, so wall time would count other jobs).
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let start = now()
        try body()
        return now() - start
    }

    @Test func calabroImportAndFullVerification() throws {
        let bytes = [UInt8](try Vectors.data("shrike/benches/fixtures/calabro.car"))
        var best = Double.infinity
        for _ in 0..<5 {
            best = min(best, try Self.seconds {
                let car = try TestCAR(bytes)  // hashes every block
                let repo = try Repository(commit: car.roots[0], blocks: car.blockMap)
                precondition(repo.recordCount == 4347)
            })
        }
        print("bench: calabro.car parse + hash + import + rebuild: \(String(format: "%.1f", best * 1000)) ms (best of 5)")
    }

    @Test func commitVerificationOnALargeTree() throws {
        var rng = SeededGenerator(seed: 5)
        var entries: [(key: [UInt8], value: CID)] = []
        for n in 0..<100_000 {
            entries.append((Array("app.bsky.feed.post/\(String(rng.next() % 1_000_000_000_000, radix: 36))".utf8), CID.compute(for: DAGCBOR.encode(.int(Int64(n))))))
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var deduped: [(key: [UInt8], value: CID)] = []
        for entry in entries where deduped.last?.key != entry.key { deduped.append(entry) }
        var tree = MST()
        let buildTime = try Self.seconds { tree = try MST(sorted: deduped); _ = tree.rootCID }
        print("bench: build \(deduped.count)-record tree: \(String(format: "%.0f", buildTime * 1000)) ms")
        // Pre-generate commits of 1–3 ops (creates, updates, deletes) with their slices.
        var commits: [(data: CID, prevData: CID, ops: [RepoOp], blocks: BlockMap)] = []
        var genTime = 0.0
        for index in 0..<2000 {
            var after = tree
            var ops: [RepoOp] = []
            var records: [CID: [UInt8]] = [:]
            genTime += try Self.seconds {
                for _ in 0..<(index % 3 + 1) {
                    let record = DAGCBOR.encode(.map(["i": .int(Int64(rng.next() % 1_000_000))]))
                    let cid = CID.compute(for: record)
                    switch rng.next() % 3 {
                    case 0:
                        let path = "app.bsky.feed.like/\(String(rng.next() % 1_000_000_000_000, radix: 36))"
                        try after.put(Array(path.utf8), cid)
                        ops.append(RepoOp(action: .create, path: path, cid: cid))
                        records[cid] = record
                    case 1:
                        let key = deduped[Int(rng.next() % UInt64(deduped.count))].key
                        let path = String(decoding: key, as: UTF8.self)
                        guard !ops.contains(where: { $0.path == path }) else { continue }
                        let prev = try after.put(key, cid)
                        ops.append(RepoOp(action: .update, path: path, cid: cid, prev: prev))
                        records[cid] = record
                    default:
                        let key = deduped[Int(rng.next() % UInt64(deduped.count))].key
                        let path = String(decoding: key, as: UTF8.self)
                        guard !ops.contains(where: { $0.path == path }) else { continue }
                        let prev = try after.remove(key)
                        ops.append(RepoOp(action: .delete, path: path, cid: nil, prev: prev))
                    }
                }
                let diff = try MST.diff(from: tree, to: after, changedKeys: ops.map(\.key), records: records)
                commits.append((after.rootCID, tree.rootCID, ops, diff.blocks))
            }
        }
        print("bench: apply 1–3 ops + root + diff on the large tree: \(String(format: "%.1f", genTime / Double(commits.count) * 1e6)) µs per commit")
        var failures = 0
        let verifyTime = Self.seconds {
            for commit in commits {
                if case .invalid = CommitProof.verify(data: commit.data, prevData: commit.prevData, ops: commit.ops, blocks: commit.blocks) { failures += 1 }
            }
        }
        #expect(failures == 0)
        var nodes = 0
        let loadTime = try Self.seconds {
            for commit in commits {
                let tree = try MST(root: commit.data, blocks: commit.blocks)
                nodes += tree.isEmpty ? 0 : 1
            }
        }
        print("bench: of which loading the partial tree: \(String(format: "%.1f", loadTime / Double(commits.count) * 1e6)) µs per commit")
        let sample = commits[0].blocks.blocks.values.map(\.count).sorted()
        print("bench: first slice block sizes: \(sample)")
        let opsCount = commits.reduce(0) { $0 + $1.ops.count }
        let blockCount = commits.reduce(0) { $0 + $1.blocks.count }
        print("bench: forward check + inversion, \(commits.count) commits (\(opsCount) ops, avg \(blockCount / commits.count) blocks/slice): \(String(format: "%.1f", verifyTime / Double(commits.count) * 1e6)) µs per commit")
    }
}
