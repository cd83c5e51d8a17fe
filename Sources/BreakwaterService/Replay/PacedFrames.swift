import FirehoseIngest
package import FirehoseSync
import Foundation
import IPLD

/// Re-times a recording by the `time` fields of its events (`--pace original`): each frame is released
/// when as much time has passed since the first frame as separates their recorded times. A stop request ends the
/// sequence even while it waits for a frame's time.
package struct PacedFrames<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == IncomingFrame {
    package typealias Element = IncomingFrame
    package let base: Base
    package let signals: StopSignals

    package init(_ base: Base, signals: StopSignals) {
        self.base = base
        self.signals = signals
    }

    package func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator(), signals: signals) }

    package struct Iterator: AsyncIteratorProtocol {
        package var base: Base.AsyncIterator
        package let signals: StopSignals
        package var origin: (recorded: Double, wall: ContinuousClock.Instant)?

        package mutating func next() async throws -> IncomingFrame? {
            guard let frame = try await base.next() else { return nil }
            if let recorded = PacedFrames.recordedTime(frame.bytes) {
                if let origin {
                    let due = origin.wall + .microseconds(Int64((recorded - origin.recorded) * 1_000_000))
                    guard try await signals.sleep(until: due) else { return nil }
                } else {
                    origin = (recorded, ContinuousClock.now)
                }
            }
            return frame
        }
    }

    /// The event's `time` in seconds since the epoch, when the frame has a parsable one.
    package static func recordedTime(_ bytes: [UInt8]) -> Double? {
        guard let frame = try? Frame(decoding: bytes), let text = frame.body["time"]?.stringValue else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
