import Foundation

/// Progress lines on stderr every `interval` seconds while a batch command runs (`replay --progress SECONDS`):
/// the same line as `consume` and `record` print, from a ``LiveTally`` the command feeds.
package final class ProgressReporter: Sendable {
    private let task: Task<Void, Never>?

    /// Starts reporting; an `interval` of 0 reports nothing.
    package init(tally: LiveTally, interval: Double, label: String) {
        guard interval > 0 else {
            task = nil
            return
        }
        task = Task {
            var previous = tally.snapshot()
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                if Task.isCancelled { break }
                let now = tally.snapshot()
                FileHandle.standardError.write(Data((label + ": " + now.progressLine(since: previous) + "\n").utf8))
                previous = now
            }
        }
    }

    /// Stops reporting.
    package func stop() {
        task?.cancel()
    }
}
