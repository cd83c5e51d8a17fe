import Foundation
package import Logging
import ServiceLifecycle
import Synchronization

/// Runs a ``LiveIngest`` under a `ServiceGroup` (signals → graceful shutdown), printing progress to stderr.
package final class LiveService: Service, Sendable {
    package let ingest: LiveIngest
    package let cursor: Int64?
    package let tally: LiveTally
    package let progressInterval: Double
    package let label: String
    /// With JSON logs: progress is logged through this logger (one JSON record) instead of written as a text line.
    package let progressLogger: Logger?
    private let box = Mutex<LiveIngest.Result?>(nil)

    package init(ingest: LiveIngest, cursor: Int64?, tally: LiveTally, progressInterval: Double, label: String, progressLogger: Logger? = nil) {
        self.ingest = ingest
        self.cursor = cursor
        self.tally = tally
        self.progressInterval = progressInterval
        self.label = label
        self.progressLogger = progressLogger
    }

    package var result: LiveIngest.Result? { box.withLock { $0 } }

    package func run() async throws {
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
