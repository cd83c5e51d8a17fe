/// A first-in first-out queue over an array (amortized O(1); storage compacted as the head advances).
package struct BoundedQueue<Element>: Sendable where Element: Sendable {
    private var storage: [Element] = []
    private var head = 0

    /// Elements queued.
    package var count: Int { storage.count - head }
    /// The oldest element.
    package var first: Element? { head < storage.count ? storage[head] : nil }

    /// Creates an empty queue.
    package init() {}

    /// Appends an element at the tail.
    package mutating func append(_ element: Element) { storage.append(element) }

    /// Removes and returns the oldest element.
    package mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head > 1024 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }
}
