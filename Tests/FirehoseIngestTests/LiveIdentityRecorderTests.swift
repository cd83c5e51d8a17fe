import ATIdentity
import ATCrypto
@testable import FirehoseIngest
import FirehoseSync
import IPLD
import Foundation
import Testing

/// `record` resolves identities while recording: a DID when it first appears and again after its
/// `#identity` events; a key that changed becomes key history that replay uses by seq.
@Suite("Live identity recorder", .timeLimit(.minutes(1)))
struct LiveIdentityRecorderTests {
    /// Answers with whatever key is current; counts look-ups.
    final class SwitchableSource: RecordingIdentitySource {
        let key: Locked<String>
        let calls = Locked(0)
        init(key: String) { self.key = Locked(key) }

        func identityJSON(for did: String) async -> Data? {
            calls.withLock { $0 += 1 }
            let key = self.key.withLock { $0 }
            return try? JSONSerialization.data(withJSONObject: ["signingKey": key, "pds": "https://pds.example"], options: [.sortedKeys])
        }
    }

    static func frame(type: String, did: String, seq: Int64) -> [UInt8] {
        var body: [String: IPLDValue] = ["seq": .int(seq), "time": .string("2026-01-01T00:00:00Z")]
        body[type == "#commit" ? "repo" : "did"] = .string(did)
        return Frame(op: 1, type: type, body: body).encoded()
    }

    static func waitForLookups(_ recorder: LiveIdentityRecorder, _ count: Int) async throws {
        while recorder.lookups < count { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func aKeyRotatedDuringTheRecordingBecomesKeyHistoryThatReplayUsesBySeq() async throws {
        let did = "did:plc:abcdefghijklmnopqrstuvwx"
        let old = PrivateKey.derive(curve: .k256, seed: [UInt8](repeating: 1, count: 32)).publicKey.didKey
        let new = PrivateKey.derive(curve: .k256, seed: [UInt8](repeating: 2, count: 32)).publicKey.didKey
        let source = SwitchableSource(key: old)
        let recorder = LiveIdentityRecorder(source: source, concurrency: 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-ids-\(UUID().uuidString)")
        let writer = try RecordingWriter(folder: folder.path, identities: recorder)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await recorder.run() }
            try writer.append(Self.frame(type: "#commit", did: did, seq: 3))
            try await Self.waitForLookups(recorder, 1)
            try writer.append(Self.frame(type: "#commit", did: did, seq: 5))  // already known: no look-up
            source.key.withLock { $0 = new }
            try writer.append(Self.frame(type: "#identity", did: did, seq: 10))
            try await Self.waitForLookups(recorder, 2)
            try writer.append(Self.frame(type: "#commit", did: did, seq: 12))
            recorder.close()
            try await group.waitForAll()
        }
        #expect(source.calls.withLock { $0 } == 2)
        let missing = try await writer.finish(identities: nil)
        #expect(missing.isEmpty)

        let keys = try StaticIdentityDirectory(path: folder.appendingPathComponent("identities.json").path)
        func key(at seq: Int64) async -> String? {
            if case .key(let key, _) = await keys.signingKey(for: did, seq: seq, fresh: false) { return key.didKey }
            return nil
        }
        #expect(await key(at: 3) == old)
        #expect(await key(at: 9) == old)
        #expect(await key(at: 10) == new)
        #expect(await key(at: 12) == new)
    }

    @Test func lookUpsBeyondTheQueueLimitAreResolvedAtTheEnd() async throws {
        let key = PrivateKey.derive(curve: .p256, seed: [UInt8](repeating: 3, count: 32)).publicKey.didKey
        let source = SwitchableSource(key: key)
        let recorder = LiveIdentityRecorder(source: source, concurrency: 1, queueLimit: 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-ids-\(UUID().uuidString)")
        let writer = try RecordingWriter(folder: folder.path, identities: recorder)
        let dids = (0..<6).map { "did:plc:aaaaaaaaaaaaaaaaaaaaaa\($0)\($0)" }
        // Nothing runs the queue yet: two wait, four are deferred.
        for (i, did) in dids.enumerated() { try writer.append(Self.frame(type: "#commit", did: did, seq: Int64(i + 1))) }
        recorder.close()
        await recorder.run()
        #expect(recorder.lookups == 2)
        let missing = try await writer.finish(identities: nil)
        #expect(missing.isEmpty)
        let data = try Data(contentsOf: folder.appendingPathComponent("identities.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == Set(dids))
    }
}
