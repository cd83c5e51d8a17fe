package import FirehoseSync
import FirehoseIngest

/// A frame source that ends once a stop was requested: the pipeline then finishes the frames it already read.
package struct StoppableFrames<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == IncomingFrame {
    package typealias Element = IncomingFrame
    package let base: Base
    package let signals: StopSignals

    /// `base`, ending once `signals` saw a stop request.
    package init(base: Base, signals: StopSignals) {
        self.base = base
        self.signals = signals
    }

    package func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator(), signals: signals) }

    package struct Iterator: AsyncIteratorProtocol {
        package var base: Base.AsyncIterator
        package let signals: StopSignals

        package mutating func next() async throws -> IncomingFrame? {
            if signals.stopRequested { return nil }
            return try await base.next()
        }
    }
}
