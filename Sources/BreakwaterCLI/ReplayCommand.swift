import ArgumentParser
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation

/// `breakwater replay FILE`: the verification pipeline over a recording (Docs/CONTRACT.md §1).
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a recording with the same pipeline as the live service.",
        discussion: """
            FILE is a recording folder (frames.bin, identities.json) or its frames.bin. With --db the state is \
            kept and a later replay of the same recording resumes after the last stored frame; --from-start \
            processes every frame again (already-applied commits are then ignored as stale). SIGINT/SIGTERM stop \
            reading, finish and store the frames already read, write the outputs and exit 0 (a second signal \
            ends the process at once).
            """
    )

    @Argument(help: "The recording folder or its frames.bin.")
    var file: String

    @Option(help: ArgumentHelp("Identities file (default: identities.json beside the recording). Env: BREAKWATER_IDENTITIES.", valueName: "file"))
    var identities: String?

    @Option(help: ArgumentHelp("Database to keep: a SQLite path or a postgres:// URL (default: a temporary SQLite file, deleted after). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Write one outcome line per frame to FILE, or - for stdout. Env: BREAKWATER_EVENTS.", valueName: "file"))
    var events: String?

    @Option(help: "Verification policy: strict or relay.")
    var policy: PolicyOption = .strict

    @Option(help: "Verification workers (default: the number of cores).")
    var workers: Int?

    /// `--workers`, else the number of cores.
    var workerCount: Int { workers ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Pacing: max (as fast as possible) or original (the recorded event times).")
    var pace: PaceOption = .max

    @Option(help: "Events per store transaction.")
    var batchSize: Int = 1000

    @Flag(help: "Print the summary as JSON (on stdout; on stderr when --events - takes stdout).")
    var json = false

    @Flag(help: "Process every frame even when the database already holds a cursor for this recording.")
    var fromStart = false

    @Option(help: ArgumentHelp("Seconds between progress lines on stderr (default 0: none).", valueName: "seconds"))
    var progress: Double = 0

    @OptionGroup var mirrorOptions: MirrorOptions
    @Option(help: ArgumentHelp("Verify only the accounts of partition K of N; other frames are skipped.", valueName: "K/N"))
    var partition: String?

    func validate() throws {
        guard (1...256).contains(workerCount) else { throw ValidationError("--workers must be between 1 and 256") }
        guard batchSize >= 1 && batchSize <= 100_000 else { throw ValidationError("--batch-size must be between 1 and 100000") }
        guard progress >= 0 else { throw ValidationError("--progress must not be negative") }
        try ClusterOptions.check(partition)
    }

    func run() async throws {
        let location = RecordingLocation(path: file)
        guard FileManager.default.fileExists(atPath: location.frames.path) else {
            throw OperationalError("file-not-found", "no recording at \(location.frames.path)")
        }
        // An identities file that is named (option or environment) must exist; the one beside the recording may not.
        let namedIdentities = EnvironmentOption.value(identities, env: "BREAKWATER_IDENTITIES")
        let keys = try ReplayRunner.keys(for: location, identities: namedIdentities)
        let eventsPath = EnvironmentOption.value(events, env: "BREAKWATER_EVENTS")

        let database = try DatabaseLocation(explicit: EnvironmentOption.value(db, env: "BREAKWATER_DB"))
        defer { database.cleanUp() }
        let opened = try StoreFactory.writable(database.path)
        let mirrors = try mirrorOptions.load(into: opened)
        let output = try EventsOutput(path: eventsPath)
        let runner = ReplayRunner(
            framesPath: location.frames.path, upstream: location.upstreamName, store: opened.state, keys: keys, mirrors: mirrors,
            settings: ReplayRunner.Settings(workers: workerCount, policy: policy.value, batchSize: batchSize, pacedByRecordedTime: pace == .original,
                                            progressInterval: progress, fromStart: fromStart, partition: partition.flatMap(Partition.init(parsing:)) ?? .whole))
        let result = try await output.closing { try await runner.run(onOutcome: { line in output.write(line) }) }
        let summary = result.summary
        let resumeAfter = result.resumedAfter
        if let truncation = result.truncation {
            FileHandle.standardError.write(Data("warning: \(truncation)\n".utf8))
        }
        if let number = result.stoppedBy {
            let kept = database.temporary ? "" : "; the state up to there is stored and a later replay resumes after it"
            FileHandle.standardError.write(Data("replay: stopped by \(StopSignals.name(number)) after \(summary.events) frames\(kept)\n".utf8))
        }
        let summaryOutput = SummaryOutput(eventsPath: eventsPath)
        if json {
            summaryOutput.write(SummaryReport.json(summary, truncated: result.truncation?.reason, resumedAfter: resumeAfter))
        } else {
            summaryOutput.write(SummaryReport.table(summary, title: "replay \(file)", resumedAfter: resumeAfter))
        }
    }
}

/// `--policy`.
enum PolicyOption: String, ExpressibleByArgument, CaseIterable {
    case strict, relay
    var value: VerificationPolicy { self == .strict ? .strict : .relay }
}

/// `--pace`.
enum PaceOption: String, ExpressibleByArgument, CaseIterable {
    case max, original
}
