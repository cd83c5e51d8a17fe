import ATCrypto
import ATRepo
import FirehoseIngest
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// `breakwater mirror import --blobs` and `breakwater mirror blobs` against `getBlob` of an in-process server on
/// 127.0.0.1: blob references are found in the records, fetched, checked and stored under
/// `<first two characters>/<cid>`; a blob the PDS lacks fails the command with its code.
@Suite("MirrorBlobsCommand", .timeLimit(.minutes(2)))
struct MirrorBlobsCommandTests {
    static let did = "did:plc:blobcliaccount00000000000"
    static let key = PrivateKey.derive(curve: .k256, seed: Array(repeating: 3, count: 32))

    static func blobObject(_ cid: CID, size: Int) -> IPLDValue {
        .map(["$type": .string("blob"), "ref": .link(cid), "mimeType": .string("image/jpeg"), "size": .int(Int64(size))])
    }

    /// A signed repository whose posts embed `blobs` (two per post, nested like app.bsky.embed.images), plus a
    /// profile with an avatar (the first blob again).
    static func repository(blobs: [(cid: CID, size: Int)]) throws -> [UInt8] {
        var records: [(key: [UInt8], cid: CID, bytes: [UInt8])] = []
        func add(_ path: String, _ value: IPLDValue) {
            let bytes = DAGCBOR.encode(value)
            records.append((Array(path.utf8), CID.compute(for: bytes), bytes))
        }
        for (index, pair) in stride(from: 0, to: blobs.count, by: 2).enumerated() {
            let images = blobs[pair..<min(pair + 2, blobs.count)].map { blob -> IPLDValue in
                .map(["alt": .string("image"), "image": blobObject(blob.cid, size: blob.size)])
            }
            add("app.bsky.feed.post/3kpost\(index)", .map([
                "$type": .string("app.bsky.feed.post"), "text": .string("post \(index)"),
                "createdAt": .string("2026-01-01T00:00:00.000Z"),
                "embed": .map(["$type": .string("app.bsky.embed.images"), "images": .list(images)]),
            ]))
        }
        add("app.bsky.actor.profile/self", .map(["$type": .string("app.bsky.actor.profile"), "avatar": blobObject(blobs[0].cid, size: blobs[0].size)]))
        records.sort { $0.key.lexicographicallyPrecedes($1.key) }
        let tree = try MST(sorted: records.map { ($0.key, $0.cid) })
        let commit = try Commit.signed(did: did, rev: "3lbbbbbbbbb22", data: tree.rootCID, sign: { key.sign(message: $0) })
        var blocks: [(cid: CID, data: [UInt8])] = [(commit.cid, commit.bytes)]
        try tree.preorder { node, _ in if let node { blocks.append((node.cid, node.bytes)) } }
        blocks.append(contentsOf: records.map { ($0.cid, $0.bytes) })
        return CARWriter.write(roots: [commit.cid], blocks: blocks)
    }

    @Test func importWithBlobsFetchesEveryReferencedBlobAndMirrorBlobsReportsTheMissingOne() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-mirror-blobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let served = folder.appendingPathComponent("served").path
        let database = folder.appendingPathComponent("db.sqlite").path
        let car = folder.appendingPathComponent("repo.car").path

        let contents = (0..<3).map { n in (0..<(1_000 * (n + 1))).map { UInt8(truncatingIfNeeded: $0 ^ n) } }
        let blobs = contents.map { (cid: CID.compute(for: $0, codec: .raw), size: $0.count) }
        let servedStore = BlobStore(root: served)
        for (bytes, blob) in zip(contents, blobs) { try servedStore.write(bytes, for: blob.cid) }
        try Data(try Self.repository(blobs: blobs)).write(to: URL(fileURLWithPath: car))

        var configuration = RelayServerConfiguration(recording: SynthRecording.clean.location)
        configuration.blobsDirectory = served
        let (imported, missing) = try await LiveTest.withServer(configuration) { server in
            let pds = "http://127.0.0.1:\(server.port)"
            let imported = try await Self.run(["mirror", "import", Self.did, car, "--key", Self.key.publicKey.didKey, "--db", database,
                                               "--blobs", "--pds", pds])
            // The PDS loses one blob; the local copy is removed too.
            let lost = blobs[2].cid
            try FileManager.default.removeItem(atPath: servedStore.path(for: lost))
            try FileManager.default.removeItem(atPath: BlobStore.beside(database: database).path(for: lost))
            let missing = try await Self.run(["mirror", "blobs", Self.did, "--db", database, "--pds", pds])
            return (imported, missing)
        }
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(Self.compact(imported.stderr).contains("\"fetched\":3"), "\(imported.stderr)")
        let local = BlobStore.beside(database: database)
        #expect(local.root == folder.appendingPathComponent("blobs").path)
        for (bytes, blob) in zip(contents, blobs).prefix(2) { #expect(local.read(blob.cid) == bytes) }
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("error: blob-not-found"), "\(missing.stderr)")
        #expect(Self.compact(missing.stdout).contains("\"present\":2"), "\(missing.stdout)")
    }

    static func compact(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) async throws -> Run {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        let process = try BreakwaterBinary.start(arguments, stdout: out, stderr: err)
        for _ in 0..<1_200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
