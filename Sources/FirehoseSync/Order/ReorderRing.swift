/// Puts results back in stream order: each arrives with its ordinal (0, 1, 2, … with no repeats) in any order,
/// and leaves in ordinal order. A ring of slots indexed by ordinal, grown when a result arrives further ahead than
/// it holds (the pipeline's window bounds how far that is). The pipeline's batch writer uses it.
package struct ReorderRing<Element> {
    private var slots: [Element?]
    /// The ordinal of the next element to leave.
    package private(set) var next = 0
    /// Elements held.
    package private(set) var count = 0

    /// An empty ring of at least `capacity` slots.
    package init(capacity: Int) {
        var size = 16
        while size < capacity { size *= 2 }
        slots = Array(repeating: nil, count: size)
    }

    /// Holds `element`, the one at `ordinal` (not yet taken).
    package mutating func insert(_ element: Element, at ordinal: Int) {
        precondition(ordinal >= next, "ordinal \(ordinal) already taken")
        while ordinal - next >= slots.count { grow() }
        slots[ordinal & (slots.count - 1)] = element
        count += 1
    }

    /// The element at the next ordinal, if it has arrived.
    package mutating func popNext() -> Element? {
        let index = next & (slots.count - 1)
        guard let element = slots[index] else { return nil }
        slots[index] = nil
        next += 1
        count -= 1
        return element
    }

    /// Every element held, in ordinal order, skipping the gaps.
    package mutating func drain() -> [Element] {
        var drained: [Element] = []
        while count > 0 {
            if let element = popNext() { drained.append(element) } else { next += 1 }
        }
        return drained
    }

    /// Doubles the slots, keeping each element at its ordinal.
    private mutating func grow() {
        var larger = [Element?](repeating: nil, count: slots.count * 2)
        for offset in 0..<slots.count {
            let ordinal = next + offset
            larger[ordinal & (larger.count - 1)] = slots[ordinal & (slots.count - 1)]
        }
        slots = larger
    }
}
