import ArgumentParser
import BreakwaterNet
import FirehoseAudit
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Synchronization

/// `breakwater consume`: subscribe to a relay, verify every event, persist state (Docs/CONTRACT.md §1).
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
    @OptionGroup(title: "Partitions and standby") var cluster: ClusterOptions

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
        let opened = try StoreFactory.writable(path), store = opened.state
        // The lease first (PostgreSQL): the cursor read below is the one its previous holder left.
        let lease = try await LeaseStart.take(leases: opened.leases, upstream: upstream, partition: cluster.value, standby: cluster.standby,
                                              ttlMicros: cluster.ttlMicros)
        defer { lease?.release() }
        let observe = try await observability.prepare(upstream: upstream, host: relay.host, store: opened.reader, logger: logger)
        let keySource = try IdentityWiring.keySource(plc: plc, identities: live.identitiesPath, cache: { opened.identities(directory: $0) },
                                                     logger: logger, metrics: observe.metrics)
        let keys = keySource.provider
        let stored = try store.cursor(upstream: upstream, partition: cluster.value).flatMap { $0 >= 0 ? $0 : nil }
        let cursor = live.cursor ?? stored
        let recordingIdentities = try recordFolder.map { _ in
            try IdentityWiring.recordingIdentitySource(plc: plc, identities: live.identitiesPath, logger: logger)
        }
        let recorder = try recordFolder.map { folder in
            try RecordingWriter(folder: folder, identities: recordingIdentities?.source.map { LiveIdentityRecorder(source: $0) })
        }
        let output = try EventsOutput(path: eventsPath)
        let mirrors = try mirrorOptions.load(into: opened)
        let resync = try resyncOptions.coordinator(relay: upstream, plc: plc, keys: keys, store: opened, mirrors: mirrors,
                                                   logger: logger, metrics: observe.metrics)
        let comparison = try live.secondRelayURL().map { second in
            (subscription: live.subscription(to: second, logger: logger, metrics: observe.metrics), window: Duration.milliseconds(Int64(compareWindow * 1000)))
        }
        let consume = ConsumeService(
            store: store, upstream: upstream, subscription: try live.subscription(logger: logger, metrics: observe.metrics), comparison: comparison,
            observability: observe, keys: ConsumeService.KeySource(provider: keys, shutdown: keySource.shutdown), resync: resync,
            recording: recorder.map { writer in
                ConsumeService.Recording(writer: writer, identities: recordingIdentities?.source,
                                         shutdown: { await recordingIdentities?.shutdown() })
            },
            settings: ConsumeService.Settings(workers: workerCount, policy: policy.value, mirrors: mirrors, cursor: cursor,
                                              maxEvents: live.maxEvents, duration: live.durationLimit, progressInterval: progress,
                                              progressLogger: logging.format == .json ? logger : nil, partition: cluster.value, lease: lease),
            logger: logger)
        logger.info("consuming", metadata: ["relay.url": "\(upstream)", "relay.cursor": "\(cursor.map(String.init) ?? "none")",
                                            "store.path": "\(path)"])
        let outcome = try await output.closing { try await consume.run(onOutcome: { line in output.write(line) }) }
        let result = outcome.result
        let crossCheck = outcome.comparison
        let summaryOutput = SummaryOutput(eventsPath: eventsPath)
        if let summary = outcome.summaryToReport, json {
            summaryOutput.write(SummaryReport.json(summary, truncated: nil, resumedAfter: -1))
        } else if let summary = outcome.summaryToReport {
            summaryOutput.write(SummaryReport.consumeTable(summary, upstream: upstream, cursor: cursor, withResyncs: resync != nil))
        }
        if let crossCheck, !json {
            summaryOutput.write(SummaryReport.comparison(crossCheck.counts, relays: [upstream, crossCheck.second.upstream],
                                                         started: crossCheck.started))
        }
        if let failure = result?.failure { throw failure }
        if case .futureCursor(let message) = result?.subscription?.end {
            FileHandle.standardError.write(Data("warning: upstream sent FutureCursor\(message.map { " (\($0))" } ?? ""); stopped\n".utf8))
        }
    }
}
