package import FirehoseSync

/// The frames of a recording that belong to one partition (``PartitionFilter``), in order; the others are counted
/// and passed over.
package struct PartitionFrames<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == IncomingFrame {
    package typealias Element = IncomingFrame
    let base: Base
    let filter: PartitionFilter

    /// The frames of `base` that `filter` admits.
    package init(_ base: Base, filter: PartitionFilter) {
        self.base = base
        self.filter = filter
    }

    /// Reads `base`, skipping what the filter refuses.
    package struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let filter: PartitionFilter

        package mutating func next() async throws -> IncomingFrame? {
            while let frame = try await base.next() {
                if filter.admits(frame) { return frame }
            }
            return nil
        }
    }

    package func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator(), filter: filter) }
}
