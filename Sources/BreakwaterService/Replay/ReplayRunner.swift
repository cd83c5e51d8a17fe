package import FirehoseIngest
package import FirehoseStore
package import FirehoseSync
package import ATIdentity
import Foundation

/// `replay`: the verification pipeline of the live service over a recording's frames, resuming after the last frame
/// the database stored for it. SIGINT and SIGTERM stop the reading; the frames already read are finished and stored.
package struct ReplayRunner {
    /// How the replay runs.
    package struct Settings: Sendable {
        /// Verification workers.
        package var workers: Int
        /// The verification policy.
        package var policy: VerificationPolicy
        /// Events per store transaction.
        package var batchSize: Int
        /// Whether frames are released at their recorded times (else as fast as possible).
        package var pacedByRecordedTime: Bool
        /// Seconds between progress lines on stderr (0: none).
        package var progressInterval: Double
        /// Whether every frame is processed even when the database holds a cursor for the recording.
        package var fromStart: Bool
        /// The partition verified (`--partition`); the frames of the others are skipped.
        package var partition: Partition = .whole

        /// Settings with the given values.
        package init(workers: Int, policy: VerificationPolicy, batchSize: Int, pacedByRecordedTime: Bool,
                     progressInterval: Double, fromStart: Bool, partition: Partition = .whole) {
            self.partition = partition
            self.workers = workers
            self.policy = policy
            self.batchSize = batchSize
            self.pacedByRecordedTime = pacedByRecordedTime
            self.progressInterval = progressInterval
            self.fromStart = fromStart
        }
    }

    /// What a replay did.
    package struct Result: Sendable {
        /// The pipeline's counts.
        package let summary: PipelineSummary
        /// The index of the last frame processed by an earlier run (-1: none); this run started after it.
        package let resumedAfter: Int
        /// How the recording's tail was damaged, when it was.
        package let truncation: FirehoseSyncError?
        /// The signal that stopped the reading early, if one did.
        package let stoppedBy: Int32?
    }

    /// The recording's `frames.bin`.
    package let framesPath: String
    /// The upstream name the cursor is stored under.
    package let upstream: String
    /// The database (SQLite or PostgreSQL).
    package let store: any StateStore
    /// Where signing keys come from.
    package let keys: any IdentityDirectory
    /// The mirrors to keep current.
    package let mirrors: [String: MirrorFilter]
    /// How the replay runs.
    package let settings: Settings

    /// A replay of `framesPath` into `store`.
    package init(framesPath: String, upstream: String, store: any StateStore, keys: any IdentityDirectory,
                 mirrors: [String: MirrorFilter], settings: Settings) {
        self.framesPath = framesPath
        self.upstream = upstream
        self.store = store
        self.keys = keys
        self.mirrors = mirrors
        self.settings = settings
    }

    /// Runs the replay, handing every stored outcome line to `onOutcome` (in order, after its batch is stored).
    package func run(onOutcome: @escaping @Sendable (OutcomeLine) -> Void) async throws -> Result {
        let partitioned = PartitionStore(base: store, partition: settings.partition, lease: nil)
        let resumeAfter = settings.fromStart ? -1 : Int(try partitioned.cursor(upstream: upstream) ?? -1)
        let tally = LiveTally()
        let frames = RecordingFrames(path: framesPath, skipThrough: resumeAfter)
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(
                workers: settings.workers, policy: settings.policy, batchSize: settings.batchSize, upstream: upstream,
                mirrors: mirrors, now: { WallClock.nowMicros() }),
            store: partitioned, keys: keys,
            onOutcome: { line in
                onOutcome(line)
                tally.count(line)
            })
        let signals = StopSignals.install()
        let kept = PartitionFrames(frames, filter: PartitionFilter(partition: settings.partition, onSkip: { tally.countSkipped() }))
        let source: any AsyncSequence<IncomingFrame, any Error> & Sendable =
            settings.pacedByRecordedTime ? StoppableFrames(base: PacedFrames(kept, signals: signals), signals: signals)
                                         : StoppableFrames(base: kept, signals: signals)
        let reporter = ProgressReporter(tally: tally, interval: settings.progressInterval, label: "replay")
        defer { reporter.stop() }
        let summary = try await pipeline.run(source, startIndex: resumeAfter + 1)
        return Result(summary: summary, resumedAfter: resumeAfter, truncation: frames.truncation, stoppedBy: signals.signalNumber)
    }

    /// The signing keys of a replay of `location`: from the identities file `identities`, which must exist, else from
    /// the one beside the recording, which may not (a warning on stderr then says that events needing a key will be
    /// unverifiable: a replay resolves nothing over the network). Throws `invalid-identities`.
    package static func keys(for location: RecordingLocation, identities: String?) throws -> StaticIdentityDirectory {
        let provider = try IdentitiesFileLoader.load(path: identities ?? location.identities.path, required: identities != nil)
        if identities == nil && !FileManager.default.fileExists(atPath: location.identities.path) {
            FileHandle.standardError.write(Data(("warning: no identities file found: looked for \(location.identities.path) "
                + "(give one with --identities FILE); events that need a signing key will be unverifiable (identity-unavailable)\n").utf8))
        }
        return provider
    }
}
