import ATIdentity
import ArgumentParser
import BreakwaterService
import ATCrypto
import ATRepo
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD

/// `breakwater bench` (hidden): measurements for `Scripts/bench.sh`. Not part of the user-facing
/// contract; its output is `key=value` lines for the script.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measurements for Scripts/bench.sh (signature bound, per-stage costs).",
        shouldDisplay: false,
        subcommands: [BenchSignatures.self, BenchStages.self]
    )
}

/// `breakwater bench signatures REC`: single-core ECDSA verifications per second on the recording's own keys,
/// messages (unsigned commit bytes, hashed as in the pipeline) and signatures: the signature bound.
struct BenchSignatures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "signatures", abstract: "Single-core signature bound.")

    @Argument(help: "Recording folder.")
    var recording: String

    @Option(help: "Signatures collected per curve.")
    var limit: Int = 4000

    @Option(help: "Minimum CPU seconds measured per curve.")
    var seconds: Double = 2

    func run() async throws {
        for result in try await SignatureBound.measure(recording: recording, limit: limit, seconds: seconds) {
            guard result.samples > 0 else {
                print("\(result.curve.rawValue)_per_second=0")
                continue
            }
            print("\(result.curve.rawValue)_samples=\(result.samples)")
            print("\(result.curve.rawValue)_per_second=\(result.perSecond)")
        }
    }
}

/// `breakwater bench stages REC`: the cost per `#commit` of each verification stage, run one stage at a time
/// over chunks of commits (so the timer is read twice per stage and chunk, not per commit): frame decode and
/// envelope checks; CAR parse with every block hashed; commit decode and signature; forward check and
/// inversion; the SQLite write of the account states and outcomes (batches of 1,000).
struct BenchStages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stages", abstract: "Per-stage cost per commit.")

    @Argument(help: "Recording folder.")
    var recording: String

    @Option(help: "Commits measured (the first N of the recording).")
    var limit: Int = 50_000

    @Option(help: "SQLite database to write into (a fresh file).")
    var db: String

    func run() async throws {
        let store = try DatabaseAccess.writable(db)
        let result = try await StageCosts.measure(recording: recording, limit: limit, store: store)
        print("commits=\(result.commits)")
        print("failures=\(result.failures)")
        for (name, cost) in zip(StageCosts.names, result.microsecondsPerCommit) {
            print("\(name)_us=\(String(format: "%.2f", cost))")
        }
    }
}
