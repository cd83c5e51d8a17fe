import ArgumentParser
import BreakwaterNet
import FirehoseAudit
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Synchronization

/// `breakwater consume`: subscribe to a relay, verify every event, persist state (CONTRACT.md §1).
struct Consume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Subscribe to a relay (or PDS), verify every event and persist the state.",
        discussion: """
            Resumes from the cursor stored for the relay unless --cursor is given. SIGINT/SIGTERM stop reading, \
            finish the events in flight, persist them and the cursor, and exit 0. Progress goes to stderr. \
            Give --relay twice to compare two relays live: the first is verified, the second compared with it.
            """
    )

    @OptionGroup var live: LiveOptions

    @OptionGroup(title: "Alerts and observability") var observability: ObservabilityOptions

    @OptionGroup(title: "Logging") var logging: LogOptions

    @Option(help: ArgumentHelp("SQLite database (default ./breakwater.sqlite). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    @Option(help: "Verification workers (default: the number of cores).")
    var workers: Int?

    /// `--workers`, else the number of cores.
    var workerCount: Int { workers ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Verification policy: strict or relay.")
    var policy: PolicyOption = .strict

    @Option(help: ArgumentHelp("Write one outcome line per event to FILE, or - for stdout. Env: BREAKWATER_EVENTS.", valueName: "file"))
    var events: String?

    @Option(help: ArgumentHelp("Also write every frame as received, plus identities, as a recording in DIR. Env: BREAKWATER_RECORD.", valueName: "dir"))
    var record: String?

    @Option(help: ArgumentHelp("Seconds between progress lines on stderr (0: none).", valueName: "seconds"))
    var progress: Double = 5

    @Option(help: ArgumentHelp("With --relay given twice: seconds an event of one relay waits for its copy from the other before it is reported missing.", valueName: "seconds"))
    var compareWindow: Double = 30

    @Flag(help: "Print the summary as JSON, like replay --json (on stdout; on stderr when --events - takes stdout).")
    var json = false

    @OptionGroup var mirrorOptions: MirrorOptions

    @OptionGroup var resyncOptions: ResyncOptions

    func validate() throws {
        guard (1...256).contains(workerCount) else { throw ValidationError("--workers must be between 1 and 256") }
        try resyncOptions.check()
        guard compareWindow > 0 else { throw ValidationError("--compare-window must be positive") }
    }

    func run() async throws {
        let logger = logging.logger("breakwater.consume")
        let relay = try live.relayURL()
        let upstream = relay.description
        let plc = try live.plcURL()
        let path = EnvironmentOption.value(db, env: "BREAKWATER_DB", default: "./breakwater.sqlite")
        let eventsPath = EnvironmentOption.value(events, env: "BREAKWATER_EVENTS")
        let recordFolder = EnvironmentOption.value(record, env: "BREAKWATER_RECORD")
        let store = try DatabaseAccess.writable(path)
        let observe = try await observability.prepare(upstream: upstream, host: relay.host, store: store, logger: logger)
        let keySource = try makeKeySource(plc: plc, identities: live.identitiesPath, store: store, logger: logger)
        let keys = keySource.provider
        let stored = try store.cursor(upstream: upstream).flatMap { $0 >= 0 ? $0 : nil }
        let cursor = live.cursor ?? stored
        let recordingIdentities = try recordFolder.map { _ in
            try makeRecordingIdentitySource(plc: plc, identities: live.identitiesPath, logger: logger)
        }
        let recorder = try recordFolder.map { folder in
            do {
                return try RecordingWriter(folder: folder, identities: recordingIdentities?.source.map { LiveIdentityRecorder(source: $0) })
            } catch let error as IngestError {
                throw OperationalError(error.code.description, error.reason)
            }
        }
        let output = try EventsOutput(path: eventsPath)
        let tally = LiveTally()
        let mirrors = try mirrorOptions.load(into: store)
        let resync = try resyncOptions.coordinator(relay: upstream, plc: plc, keys: keys, store: store, mirrors: mirrors,
                                                   logger: logger)
        var onFrame: (@Sendable (IncomingFrame) -> Void)?
        let crossCheck: RelayCrossCheck? = try live.secondRelayURL().map { second in
            let alerts = observe.alerts
            return RelayCrossCheck(firstRelay: upstream, second: live.subscription(to: second, logger: logger),
                                   window: .milliseconds(Int64(compareWindow * 1000)), logger: logger,
                                   report: { divergence in alerts.handle(divergence) })
        }
        if let crossCheck { onFrame = { frame in crossCheck.observeFirst(frame) } }
        let pipeline = VerificationPipeline(
            // One-frame hand-offs and a time-based flush: a live stream can be slow or quiet, and no frame may wait
            // in the reader for a chunk to fill; the stored cursor and progress follow it within about a second.
            configuration: PipelineConfiguration(workers: workerCount, policy: policy.value, batchSize: 500, chunkSize: 1,
                                                 upstream: upstream, flushInterval: .seconds(1), mirrors: mirrors,
                                                 now: { Int64(Date().timeIntervalSince1970 * 1_000_000) }),
            store: store, keys: keys, resync: resync?.coordinator,
            // With --record, the frames of a batch reach frames.bin before the batch is stored (a full disk stops both).
            beforeWrite: { try recorder?.flush() },
            onOutcome: { line in
                output.write(line)
                tally.count(line)
                observe.outcome(line)
                crossCheck?.verified(line)
            })
        let ingest = LiveIngest(subscription: try live.subscription(logger: logger), pipeline: pipeline, recorder: recorder,
                                maxEvents: live.maxEvents, duration: live.durationLimit, onFrame: onFrame, logger: logger)
        logger.info("consuming", metadata: ["relay.url": "\(upstream)", "relay.cursor": "\(cursor.map(String.init) ?? "none")",
                                            "store.path": "\(path)"])
        let service = LiveService(ingest: ingest, cursor: cursor, tally: tally, progressInterval: progress, label: "consume",
                                  progressLogger: logging.format == .json ? logger : nil)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: observe.services(around: .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                                                     failureTerminationBehavior: .gracefullyShutdownGroup),
                                       beside: crossCheck.map { [$0] } ?? [any Service]()),
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            // The lines of every stored batch, and the frames recorded so far, are written before the error ends the run.
            output.close()
            try? recorder?.flush()
            await resync?.shutdown()
            await keySource.shutdown()
            await recordingIdentities?.shutdown()
            throw error
        }
        await resync?.shutdown()
        await keySource.shutdown()
        output.close()
        let result = service.result
        if let recorder, let identities = recordingIdentities {
            do {
                _ = try await recorder.finish(identities: identities.source)
            } catch let error as IngestError {
                await identities.shutdown()
                let first: any CodedError = result?.failure ?? error
                throw OperationalError(first.codeName, first.reason)
            }
            await identities.shutdown()
        }
        let summaryOutput = SummaryOutput(eventsPath: eventsPath)
        // A run that failed before any event arrived (an unreachable relay, say) has nothing to sum up: its error
        // line says it all. A run that failed later keeps its summary, the record of what was stored.
        let summarised = result.flatMap { $0.failure != nil && $0.summary.events == 0 ? nil : $0 }
        if let result = summarised, json {
            summaryOutput.write(SummaryReport.json(result.summary, truncated: nil, resumedAfter: -1))
        } else if let result = summarised {
            var title = "consume \(upstream)"
            if let cursor { title += " from cursor \(cursor)" }
            var lines = [SummaryReport.table(result.summary, title: title, resumedAfter: -1)]
            lines.append(SummaryReport.pad("cursor", 36) + SummaryReport.leftPad((result.summary.lastCursor ?? cursor).map(String.init) ?? "none", 12))
            if resync != nil {
                let r = result.summary.resyncs
                for (name, value) in [("resyncs scheduled", r.scheduled), ("resyncs succeeded", r.succeeded),
                                      ("resync attempts failed", r.failed), ("resyncs given up", r.gaveUp), ("resyncs cancelled", r.cancelled),
                                      ("held events applied", r.queuedApplied), ("held events dropped", r.queuedDropped)] {
                    lines.append(SummaryReport.pad(name, 36) + SummaryReport.leftPad(String(value), 12))
                }
            }
            summaryOutput.write(lines.joined(separator: "\n"))
        }
        if let crossCheck, !json {
            summaryOutput.write(SummaryReport.comparison(crossCheck.counts, relays: [upstream, crossCheck.second.upstream],
                                                         started: crossCheck.started))
        }
        if let failure = result?.failure {
            throw OperationalError(failure.codeName, failure.reason)
        }
        if case .futureCursor(let message) = result?.subscription?.end {
            FileHandle.standardError.write(Data("warning: upstream sent FutureCursor\(message.map { " (\($0))" } ?? ""); stopped\n".utf8))
        }
    }
}

/// Runs a ``LiveIngest`` under a `ServiceGroup` (signals → graceful shutdown), printing progress to stderr.
final class LiveService: Service, Sendable {
    let ingest: LiveIngest
    let cursor: Int64?
    let tally: LiveTally
    let progressInterval: Double
    let label: String
    /// With JSON logs: progress is logged through this logger (one JSON record) instead of written as a text line.
    let progressLogger: Logger?
    private let box = Mutex<LiveIngest.Result?>(nil)

    init(ingest: LiveIngest, cursor: Int64?, tally: LiveTally, progressInterval: Double, label: String, progressLogger: Logger? = nil) {
        self.ingest = ingest
        self.cursor = cursor
        self.tally = tally
        self.progressInterval = progressInterval
        self.label = label
        self.progressLogger = progressLogger
    }

    var result: LiveIngest.Result? { box.withLock { $0 } }

    func run() async throws {
        tally.start(at: cursor)
        let outcome = try await withThrowingTaskGroup(of: LiveIngest.Result?.self) { group in
            group.addTask { try await self.ingest.run(cursor: self.cursor) }
            if progressInterval > 0 {
                group.addTask {
                    var previous = self.tally.snapshot()
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(Int64(self.progressInterval * 1000)))
                        if Task.isCancelled { break }
                        let now = self.tally.snapshot()
                        if let logger = self.progressLogger {
                            logger.info("progress", metadata: now.progressMetadata(since: previous))
                        } else {
                            FileHandle.standardError.write(Data((self.label + ": " + now.progressLine(since: previous) + "\n").utf8))
                        }
                        previous = now
                    }
                    return nil
                }
            }
            var result: LiveIngest.Result?
            while let next = try await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            return result
        }
        box.withLock { $0 = outcome }
    }
}

/// Running counts for progress lines (fed from the pipeline's outcome callback).
final class LiveTally: Sendable {
    struct Snapshot {
        var events = 0
        var commits = 0
        var outcomes: [Outcome: Int] = [:]
        var cursor: Int64?
        var at = ContinuousClock.now

        /// The progress line's figures as log metadata (`progress.events`, `progress.commits_per_second`, one key per
        /// outcome, `progress.cursor`), for a JSON log record.
        func progressMetadata(since previous: Snapshot) -> Logger.Metadata {
            let elapsed = at - previous.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(commits - previous.commits) / seconds : 0
            var metadata: Logger.Metadata = ["progress.events": .stringConvertible(events),
                                             "progress.commits_per_second": .stringConvertible(Int(rate.rounded()))]
            for outcome in Outcome.allCases { if let count = outcomes[outcome] { metadata["progress.\(outcome.rawValue)"] = .stringConvertible(count) } }
            if let cursor { metadata["progress.cursor"] = .stringConvertible(cursor) }
            return metadata
        }

        func progressLine(since previous: Snapshot) -> String {
            let elapsed = at - previous.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(commits - previous.commits) / seconds : 0
            let counts = Outcome.allCases.compactMap { outcome in outcomes[outcome].map { "\(outcome.rawValue) \($0)" } }
            return (["\(SummaryReport.grouped(events)) events", "\(SummaryReport.grouped(Int(rate.rounded()))) commits/s"] + counts
                + ["cursor \(cursor.map(String.init) ?? "none")"]).joined(separator: ", ")
        }
    }
    private let state = Mutex(Snapshot())

    /// Shows `cursor` (the stored or given start) as the cursor until an event with a seq arrives.
    func start(at cursor: Int64?) {
        state.withLock { s in if s.cursor == nil { s.cursor = cursor } }
    }

    func count(_ line: OutcomeLine) {
        state.withLock { s in
            s.events += 1
            if line.type == .commit { s.commits += 1 }
            s.outcomes[line.outcome, default: 0] += 1
            if let seq = line.seq { s.cursor = max(s.cursor ?? seq, seq) }
        }
    }

    /// Counts a frame as received, without verification (`record`): events, commits, and the seq as cursor.
    func count(_ frame: IncomingFrame) {
        let peek = FramePeek(frame.bytes)
        state.withLock { s in
            s.events += 1
            if peek.type == "#commit" { s.commits += 1 }
            if let seq = peek.seq { s.cursor = max(s.cursor ?? seq, seq) }
        }
    }

    func snapshot() -> Snapshot {
        state.withLock { s in
            var copy = s
            copy.at = .now
            return copy
        }
    }
}
