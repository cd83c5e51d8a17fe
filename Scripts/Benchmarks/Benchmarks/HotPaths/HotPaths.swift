import ATCrypto
import ATRepo
import Benchmark
import FirehoseSync
import FirehoseSynth
import Foundation
import IPLD

/// Inputs shared by the benchmarks, built once: a synthetic stream's commits (with their keys), the
/// calabro.car repository export from Tests/Vectors, and a 10,000-record tree.
final class Inputs: Sendable {
    /// `#commit` events of a synthetic stream, decoded, with their signed commit and key.
    let commits: [(frame: [UInt8], event: CommitEvent, car: CARFile, commit: Commit, key: PublicKey)]
    /// A large real repository CAR (or a synthetic one when the vectors are not beside the project).
    let repositoryCAR: [UInt8]
    /// One MST node block and one commit block, for the DAG-CBOR decoder.
    let nodeBlock: [UInt8]
    let recordBlock: [UInt8]
    /// A 10,000-record tree and keys to look up, insert and remove.
    let tree: MST
    let presentKeys: [[UInt8]]
    let absentKeys: [[UInt8]]
    /// Signatures by curve over commit-sized messages.
    let signatures: [Curve: [(key: PublicKey, message: [UInt8], signature: [UInt8])]]

    static let prepared = Inputs()

    init() {
        var frames: [(bytes: [UInt8], line: OutcomeLine)] = []
        var generator = SynthGenerator(configuration: SynthConfiguration(repos: 50, commits: 2000, seed: 11, largestTree: 5000)) {
            frames.append(($0.frame, $0.expected))
        }
        try! generator.run()
        let identities = try! JSONSerialization.jsonObject(with: generator.identitiesJSON()) as! [String: [String: Any]]
        var commits: [(frame: [UInt8], event: CommitEvent, car: CARFile, commit: Commit, key: PublicKey)] = []
        for (bytes, line) in frames where line.type == .commit && line.outcome == .verified {
            guard case .success(.commit(let event)) = FirehoseMessage.classify(try! Frame(decoding: bytes)),
                  let didKey = identities[event.repo]?["signingKey"] as? String else { continue }
            let car = try! CARFile(bytes: event.blocks)
            let commit = try! Commit(block: Array(car.data(for: event.commit)!))
            commits.append((bytes, event, car, commit, try! PublicKey(didKey: didKey)))
        }
        self.commits = commits

        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../../Tests/Vectors/shrike/benches/fixtures/calabro.car").standardized
        if let data = try? Data(contentsOf: vectors) {
            repositoryCAR = [UInt8](data)
        } else {
            var writer = CARWriter(roots: [commits[0].commit.cid])
            for block in commits.flatMap({ $0.car.blocks }) { writer.append(cid: block.cid, data: Array(block.data)) }
            repositoryCAR = writer.bytes
        }
        let largest = commits.max { $0.car.blocks.count < $1.car.blocks.count }!
        nodeBlock = Array(largest.car.data(for: largest.commit.data)!)
        recordBlock = Array(largest.car.data(for: largest.event.ops.first { $0.cid != nil }!.cid!)!)

        var entries: [(key: [UInt8], value: CID)] = []
        var absent: [[UInt8]] = []
        for index in 0..<10_000 {
            let key = Array("app.bsky.feed.like/3k\(String(index * 7919, radix: 32))".utf8)
            entries.append((key, CID.compute(for: key)))
            absent.append(Array("app.bsky.feed.post/3m\(String(index * 104_729, radix: 32))".utf8))
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var seen = Set<[UInt8]>()
        entries = entries.filter { seen.insert($0.key).inserted }
        tree = try! MST(sorted: entries)
        presentKeys = entries.map(\.key)
        absentKeys = absent

        var signatures: [Curve: [(key: PublicKey, message: [UInt8], signature: [UInt8])]] = [:]
        for curve in [Curve.k256, .p256] {
            for index in 0..<64 {
                let key = PrivateKey.derive(curve: curve, seed: Array("bench-\(index)".utf8))
                let message = commits[index % commits.count].commit.unsignedBytes
                signatures[curve, default: []].append((key.publicKey, message, key.sign(message: message)))
            }
        }
        self.signatures = signatures
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .throughput],
                                           maxDuration: .seconds(3), maxIterations: 1_000_000)
    let inputs = Inputs.prepared

    // MARK: DAG-CBOR and frames

    Benchmark("DAG-CBOR decode: MST node block") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try DAGCBOR.decode(inputs.nodeBlock)) }
    }
    Benchmark("DAG-CBOR decode: record block") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try DAGCBOR.decode(inputs.recordBlock)) }
    }
    Benchmark("Frame decode + #commit envelope") { benchmark in
        for index in benchmark.scaledIterations {
            let frame = inputs.commits[index % inputs.commits.count].frame
            blackHole(DecodedEvent.decode(frame, index: index))
        }
    }

    // MARK: CAR and CIDs

    Benchmark("CAR parse + hash every block: #commit slice") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try CARFile(bytes: inputs.commits[index % inputs.commits.count].event.blocks))
        }
    }
    Benchmark("CAR parse + hash every block: repository export",
              configuration: .init(metrics: [.cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try CARFile(bytes: inputs.repositoryCAR)) }
    }
    Benchmark("CID.compute (SHA-256) of an MST node block") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(CID.compute(for: inputs.nodeBlock)) }
    }
    Benchmark("MSTKey.layer (SHA-256 of a key)") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(MSTKey.layer(of: inputs.presentKeys[index % inputs.presentKeys.count]))
        }
    }

    // MARK: Signatures

    for curve in [Curve.k256, .p256] {
        Benchmark("verify \(curve.rawValue) (SHA-256 + ECDSA)") { benchmark in
            let samples = inputs.signatures[curve]!
            for index in benchmark.scaledIterations {
                let sample = samples[index % samples.count]
                blackHole(sample.key.verify(signature: sample.signature, message: sample.message))
            }
        }
    }
    Benchmark("Commit decode + unsigned bytes") { benchmark in
        for index in benchmark.scaledIterations {
            let item = inputs.commits[index % inputs.commits.count]
            blackHole(try Commit(block: item.commit.bytes, cid: item.commit.cid, hashVerified: true).unsignedBytes)
        }
    }

    // MARK: CommitProof (forward check + inversion) and MST operations

    Benchmark("CommitProof.verify of a #commit (load, forward check, inversion)") { benchmark in
        for index in benchmark.scaledIterations {
            let item = inputs.commits[index % inputs.commits.count]
            blackHole(CommitProof.verify(data: item.commit.data, prevData: item.event.prevData, ops: item.event.ops, blocks: item.car))
        }
    }
    Benchmark("MST get (10,000 records)") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try inputs.tree.get(inputs.presentKeys[index % inputs.presentKeys.count]))
        }
    }
    Benchmark("MST put + root CID (10,000 records)") { benchmark in
        for index in benchmark.scaledIterations {
            var tree = inputs.tree
            try tree.put(inputs.absentKeys[index % inputs.absentKeys.count], CID.compute(for: [UInt8(index & 0xff)]))
            blackHole(tree.rootCID)
        }
    }
    Benchmark("MST remove + root CID (10,000 records)") { benchmark in
        for index in benchmark.scaledIterations {
            var tree = inputs.tree
            try tree.remove(inputs.presentKeys[index % inputs.presentKeys.count])
            blackHole(tree.rootCID)
        }
    }
    Benchmark("MST build from 10,000 sorted entries",
              configuration: .init(metrics: [.cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))) { benchmark in
        var entries: [(key: [UInt8], value: CID)] = []
        try inputs.tree.forEach { key, value in entries.append((key, value)); return true }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try MST(sorted: entries).rootCID) }
    }
}
