import FirehoseSync
package import FirehoseIngest
package import Logging
package import BreakwaterNet
import ServiceLifecycle
import UnixSignals

/// `record`: a live stream written to a recording as received, without verification, under one `ServiceGroup`
/// (SIGINT or SIGTERM end it cleanly); the identities file is written at the end.
package struct RecordService {
    /// What a run did.
    package struct Outcome: Sendable {
        /// The ingest's result (nil when it never ran to an end).
        package let result: LiveIngest.Result?
        /// The DIDs seen without an identity entry.
        package let missingIdentities: [String]
        /// The frames in the recording.
        package let frames: Int
    }

    /// The subscription recorded.
    package let subscription: FirehoseSubscription
    /// The writer of `frames.bin`.
    package let writer: RecordingWriter
    /// Where the identities file's entries come from.
    package let identities: (any RecordingIdentitySource)?
    /// The seq to start after (nil: the relay's live end).
    package let cursor: Int64?
    /// Stop after this many events.
    package let maxEvents: Int?
    /// Stop after this long.
    package let duration: Duration?
    /// Seconds between progress lines (0: none).
    package let progressInterval: Double
    /// With JSON logs: progress goes through this logger instead of a text line on stderr.
    package let progressLogger: Logger?
    /// The service's logger.
    package let logger: Logger

    /// A recording of `subscription` into `folder` (created or appended to). DIDs are resolved as they appear and
    /// again on `#identity`, so keys rotated during the recording are kept. Throws the writer's code.
    package init(subscription: FirehoseSubscription, folder: String, identities: (any RecordingIdentitySource)?,
                 cursor: Int64?, maxEvents: Int?, duration: Duration?, progressInterval: Double, progressLogger: Logger?,
                 logger: Logger) throws {
        self.subscription = subscription
        self.writer = try RecordingWriter(folder: folder, identities: identities.map { LiveIdentityRecorder(source: $0) })
        self.identities = identities
        self.cursor = cursor
        self.maxEvents = maxEvents
        self.duration = duration
        self.progressInterval = progressInterval
        self.progressLogger = progressLogger
        self.logger = logger
    }

    /// Runs until the stream ends, a limit is reached or a signal arrives, then writes the identities file.
    package func run() async throws -> Outcome {
        let tally = LiveTally()
        let ingest = LiveIngest(subscription: subscription, pipeline: nil, recorder: writer,
                                maxEvents: maxEvents, duration: duration, onFrame: { frame in tally.count(frame) },
                                logger: logger)
        let service = LiveService(ingest: ingest, cursor: cursor, tally: tally, progressInterval: progressInterval, label: "record",
                                  progressLogger: progressLogger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        let missing: [String]
        do {
            missing = try await writer.finish(identities: identities)
        } catch let error as IngestError {
            // What stopped the stream (a full disk, say) is the news; identities.json failing after it follows from it.
            let first = service.result?.failure ?? error
            throw ServiceError(first.codeName, first.reason)
        }
        return Outcome(result: service.result, missingIdentities: missing, frames: writer.frames)
    }
}
