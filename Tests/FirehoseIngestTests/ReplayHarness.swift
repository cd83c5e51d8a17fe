import ATIdentity
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// An expected outcome line (`expected.jsonl`): `detail` is free text and not compared; `warnings` is (absent means
/// none).
struct ExpectedOutcome: CustomStringConvertible {
    var index: Int
    var seq: Int64?
    var type: String
    var did: String?
    var rev: String?
    var outcome: String
    var reason: String?
    var warnings: [String] = []

    func matches(_ line: OutcomeLine) -> Bool {
        line.index == index && line.seq == seq && line.type.rawValue == type && line.did == did && line.rev == rev
            && line.outcome.rawValue == outcome && line.reason?.rawValue == reason
            && line.warnings.map(\.rawValue) == warnings.sorted()
    }

    var description: String {
        "{i: \(index), seq: \(seq.map(String.init) ?? "null"), type: \(type), did: \(did ?? "null"), rev: \(rev ?? "null"), outcome: \(outcome), reason: \(reason ?? "null"), warnings: \(warnings)}"
    }
}

enum ExpectedOutcomes {
    static func load(_ url: URL) throws -> [ExpectedOutcome] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return ExpectedOutcome(
                index: object["i"] as? Int ?? -1, seq: (object["seq"] as? NSNumber)?.int64Value,
                type: object["type"] as? String ?? "", did: object["did"] as? String, rev: object["rev"] as? String,
                outcome: object["outcome"] as? String ?? "", reason: object["reason"] as? String,
                warnings: object["warnings"] as? [String] ?? [])
        }
    }

    /// The policy a scenario is replayed with (`scenario.json`'s `policy`, default strict).
    static func policy(_ folder: URL) throws -> VerificationPolicy {
        let url = folder.appendingPathComponent("scenario.json")
        guard let data = try? Data(contentsOf: url),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let text = object["policy"] as? String else { return .strict }
        return VerificationPolicy(rawValue: text) ?? .strict
    }
}

/// Runs the real pipeline over a recording folder into a fresh SQLite file.
enum ReplayHarness {
    static func replay(folder: URL, policy: VerificationPolicy, workers: Int, database: String? = nil) async throws -> [OutcomeLine] {
        let location = RecordingLocation(path: folder.path)
        let keys = try StaticIdentityDirectory(path: location.identities.path)
        let path = database ?? TemporaryDatabase().path
        let store = try SQLiteStateStore(path: path)
        let collected = Mutex<[OutcomeLine]>([])
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: workers, policy: policy, upstream: location.upstreamName,
                                                 now: { Int64(Date().timeIntervalSince1970 * 1_000_000) }),
            store: store, keys: keys, onOutcome: { line in collected.withLock { $0.append(line) } })
        _ = try await pipeline.run(RecordingFrames(path: location.frames.path))
        if database == nil { TemporaryDatabase.remove(path) }
        return collected.withLock { $0 }
    }
}
