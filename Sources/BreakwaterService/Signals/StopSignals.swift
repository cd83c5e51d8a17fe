import FirehoseSync
import Dispatch
import FirehoseIngest
import Foundation
import Synchronization

/// SIGINT and SIGTERM as a request to stop cleanly, for commands that run without a `ServiceGroup` (`replay`):
/// the first signal is recorded (the command stops reading, finishes what it read, writes its outputs and cleans
/// up); a second one ends the process at once.
package final class StopSignals: Sendable {
    private let received = Atomic<Int32>(0)
    /// The handlers, kept alive for the life of the process; set once in ``install()`` and never mutated.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    private init() {}

    /// Starts catching SIGINT and SIGTERM (their default action, ending the process, is turned off).
    package static func install() -> StopSignals {
        let signals = StopSignals()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [signals] in signals.receive(number) }
            source.resume()
            signals.sources.append(source)
        }
        return signals
    }

    private func receive(_ number: Int32) {
        let (exchanged, _) = received.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
        if !exchanged {
            FileHandle.standardError.write(Data("second \(Self.name(number)): stopping at once\n".utf8))
            Foundation.exit(128 + number)
        }
    }

    /// The first signal received, if any.
    package var signalNumber: Int32? {
        let value = received.load(ordering: .acquiring)
        return value == 0 ? nil : value
    }

    /// Whether a stop was requested.
    package var stopRequested: Bool { signalNumber != nil }

    /// `SIGINT` or `SIGTERM`.
    package static func name(_ number: Int32) -> String { number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)" }

    /// Sleeps until `deadline`, waking early (and returning false) when a stop is requested.
    package func sleep(until deadline: ContinuousClock.Instant) async throws -> Bool {
        while ContinuousClock.now < deadline {
            if stopRequested { return false }
            try await Task.sleep(until: min(deadline, .now + .milliseconds(100)), clock: .continuous)
        }
        return !stopRequested
    }
}
