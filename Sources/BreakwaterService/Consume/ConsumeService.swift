package import FirehoseIngest
import FirehoseStore
package import FirehoseSync
package import ATIdentity
package import BreakwaterNet
import Foundation
package import Logging
import ServiceLifecycle
import UnixSignals

/// `consume`: one live stream verified into the database, under one `ServiceGroup`.
///
/// The group runs the observability services (webhook sender, HTTP servers) first, a second relay's comparison
/// beside, and the ingest last, so that on SIGINT or SIGTERM (or the end of the stream) the ingest drains first
/// (the events in flight are finished and stored with the cursor), then the servers stop and the webhook flushes
/// what was alerted. After the group: the resync fetcher and the key source are released, and a recording made
/// alongside gets its identities file.
package struct ConsumeService {
    /// Where signing keys come from, and how to release it.
    package struct KeySource: Sendable {
        /// The provider the pipeline and resyncs ask.
        package let provider: any IdentityDirectory
        /// Releases the provider's clients.
        package let shutdown: @Sendable () async -> Void

        /// A source of `provider`, released by `shutdown`.
        package init(provider: any IdentityDirectory, shutdown: @escaping @Sendable () async -> Void) {
            self.provider = provider
            self.shutdown = shutdown
        }
    }

    /// A recording made alongside (`consume --record`).
    package struct Recording: Sendable {
        /// The writer of `frames.bin`.
        package let writer: RecordingWriter
        /// Where the identities file's entries come from.
        package let identities: (any RecordingIdentitySource)?
        /// Releases the identity source's clients.
        package let shutdown: @Sendable () async -> Void

        /// A recording by `writer`, its identities from `identities`.
        package init(writer: RecordingWriter, identities: (any RecordingIdentitySource)?,
                     shutdown: @escaping @Sendable () async -> Void) {
            self.writer = writer
            self.identities = identities
            self.shutdown = shutdown
        }
    }

    /// How the stream is verified and reported.
    package struct Settings: Sendable {
        /// Verification workers.
        package var workers: Int
        /// The verification policy.
        package var policy: VerificationPolicy
        /// The mirrors to keep current.
        package var mirrors: [String: MirrorFilter]
        /// The seq to start after (nil: the relay's live end).
        package var cursor: Int64?
        /// Stop after this many events.
        package var maxEvents: Int?
        /// Stop after this long.
        package var duration: Duration?
        /// Seconds between progress lines (0: none).
        package var progressInterval: Double
        /// With JSON logs: progress goes through this logger instead of a text line on stderr.
        package var progressLogger: Logger?
        /// The partition verified (`--partition`); the frames of the others are skipped.
        package var partition: Partition = .whole
        /// The lease held while running (PostgreSQL): renewed every third of its time to live, the fence of every write.
        package var lease: LeaseHolder?
        /// Called when a renewal finds the lease taken over: by default the process ends with `error: lease-lost: …`
        /// on stderr and exit status 1 (Docs/CONTRACT.md §6).
        package var onLeaseLost: @Sendable (FirehoseSyncError) -> Void = { lost in LeaseLoss.endProcess(lost) }

        /// Settings with the given values.
        package init(workers: Int, policy: VerificationPolicy, mirrors: [String: MirrorFilter], cursor: Int64?,
                     maxEvents: Int?, duration: Duration?, progressInterval: Double, progressLogger: Logger?,
                     partition: Partition = .whole, lease: LeaseHolder? = nil) {
            self.partition = partition
            self.lease = lease
            self.workers = workers
            self.policy = policy
            self.mirrors = mirrors
            self.cursor = cursor
            self.maxEvents = maxEvents
            self.duration = duration
            self.progressInterval = progressInterval
            self.progressLogger = progressLogger
        }
    }

    /// What a run did.
    package struct Outcome: Sendable {
        /// The ingest's result (nil when it never ran to an end).
        package let result: LiveIngest.Result?
        /// The live comparison with a second relay, when there was one.
        package let comparison: RelayCrossCheck?

        /// The counts worth a closing summary: none for a run that failed before any event arrived (an unreachable
        /// relay, say), whose error says it all; a run that failed later keeps its summary, the record of what was
        /// stored.
        package var summaryToReport: PipelineSummary? {
            result.flatMap { $0.failure != nil && $0.summary.events == 0 ? nil : $0.summary }
        }
    }

    /// The database.
    package let store: any StateStore
    /// The relay's name, under which the cursor is stored.
    package let upstream: String
    /// The subscription verified.
    package let subscription: FirehoseSubscription
    /// A second relay compared with the first, and how long an event waits for its copy.
    package let comparison: (subscription: FirehoseSubscription, window: Duration)?
    /// Alerts and the observability services.
    package let observability: Observability
    /// Signing keys.
    package let keys: KeySource
    /// The resync coordinator, when resyncs are on.
    package let resync: ResyncWiring?
    /// A recording made alongside, if any.
    package let recording: Recording?
    /// How the stream is verified.
    package let settings: Settings
    /// The service's logger.
    package let logger: Logger

    /// A consume of `subscription` into `store`.
    package init(store: any StateStore, upstream: String, subscription: FirehoseSubscription,
                 comparison: (subscription: FirehoseSubscription, window: Duration)?, observability: Observability,
                 keys: KeySource, resync: ResyncWiring?, recording: Recording?, settings: Settings, logger: Logger) {
        self.store = store
        self.upstream = upstream
        self.subscription = subscription
        self.comparison = comparison
        self.observability = observability
        self.keys = keys
        self.resync = resync
        self.recording = recording
        self.settings = settings
        self.logger = logger
    }

    /// Runs until the stream ends, a limit is reached or a signal arrives, handing every stored outcome line to
    /// `onOutcome` (in order, after its batch is stored). Everything started is released before it returns or throws.
    package func run(onOutcome: @escaping @Sendable (OutcomeLine) -> Void) async throws -> Outcome {
        let tally = LiveTally()
        let observe = observability
        let crossCheck: RelayCrossCheck? = comparison.map { second in
            let alerts = observe.alerts
            return RelayCrossCheck(firstRelay: upstream, second: second.subscription, window: second.window, logger: logger,
                                   metrics: observe.metrics, report: { divergence in alerts.handle(divergence) })
        }
        var onFrame: (@Sendable (IncomingFrame) -> Void)? = nil
        if let crossCheck { onFrame = { frame in crossCheck.observeFirst(frame) } }
        let recorder = recording?.writer
        let pipeline = VerificationPipeline(
            // A time-based flush: a live stream can be slow or quiet; the reader hands its chunks to the workers at the
            // end of each socket read's batch, and a store batch closes after 500 events or 200 ms, whichever comes
            // first, so the stored cursor and progress follow the stream within about a fifth of a second.
            configuration: PipelineConfiguration(workers: settings.workers, policy: settings.policy, batchSize: 500,
                                                 upstream: upstream, flushInterval: .milliseconds(200), mirrors: settings.mirrors,
                                                 now: { WallClock.nowMicros() }),
            store: PartitionStore(base: store, partition: settings.partition, lease: settings.lease),
            keys: keys.provider, resync: resync?.coordinator,
            // With a recording, the frames of a batch reach frames.bin before the batch is stored; after a full disk, only
            // the batches frames.bin holds whole are stored.
            beforeWrite: { try recorder?.flush(through: $0) }, metrics: observe.metrics,
            onOutcome: { line in
                onOutcome(line)
                tally.count(line)
                observe.outcome(line)
                crossCheck?.verified(line)
            })
        let filter = PartitionFilter(partition: settings.partition, onSkip: { tally.countSkipped() })
        var admits: (@Sendable (IncomingFrame) -> Bool)? = nil
        if !settings.partition.isWhole { admits = { @Sendable frame in filter.admits(frame) } }
        let ingest = LiveIngest(subscription: subscription, pipeline: pipeline, recorder: recorder,
                                maxEvents: settings.maxEvents, duration: settings.duration, onFrame: onFrame,
                                admits: admits, logger: logger)
        let service = LiveService(ingest: ingest, cursor: settings.cursor, tally: tally, progressInterval: settings.progressInterval,
                                  label: "consume", progressLogger: settings.progressLogger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: observability.services(around: .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                                                           failureTerminationBehavior: .gracefullyShutdownGroup),
                                             beside: crossCheck.map { [$0] } ?? [any Service]()),
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let heartbeat: Task<Void, Never>? = settings.lease.map { lease in
            let (logger, onLost) = (self.logger, settings.onLeaseLost)
            return Task {
                await lease.heartbeat(onLost: onLost, onError: { error in logger.warning("lease renewal failed: \(error)") })
            }
        }
        defer { heartbeat?.cancel() }
        do {
            try await group.run()
        } catch {
            // The frames recorded so far are written before the error ends the run.
            try? recorder?.flush()
            await resync?.shutdown()
            await keys.shutdown()
            await recording?.shutdown()
            throw error
        }
        await resync?.shutdown()
        await keys.shutdown()
        let result = service.result
        if let recording {
            do {
                _ = try await recording.writer.finish(identities: recording.identities)
            } catch let error as IngestError {
                await recording.shutdown()
                // What stopped the stream (a full disk, say) is the news; identities.json failing after it follows from it.
                let first = result?.failure ?? error
                throw ServiceError(first.codeName, first.reason)
            }
            await recording.shutdown()
        }
        return Outcome(result: result, comparison: crossCheck)
    }
}
