/// A dictionary that remembers at most `capacity` keys, forgetting the oldest inserted first. A key removed and
/// inserted again counts from its new insertion.
package struct RecentKeys<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The most keys remembered.
    package var capacity = 200_000
    private var values: [Key: (value: Value, generation: Int)] = [:]
    private var order = BoundedQueue<(key: Key, generation: Int)>()
    private var nextGeneration = 0

    /// Creates an empty dictionary.
    package init() {}

    /// Whether `key` is remembered.
    package func contains(_ key: Key) -> Bool { values[key] != nil }

    /// Keys remembered.
    package var count: Int { values.count }

    /// The value of `key`; setting nil forgets it, setting a new key may forget the oldest.
    package subscript(key: Key) -> Value? {
        get { values[key]?.value }
        set {
            guard let newValue else {
                values[key] = nil  // its entry in `order` no longer matches a generation and is skipped
                return
            }
            if let existing = values[key] {
                values[key] = (newValue, existing.generation)
                return
            }
            values[key] = (newValue, nextGeneration)
            order.append((key, nextGeneration))
            nextGeneration += 1
            // Entries of removed keys stay in `order` until they come up; both stay bounded.
            while values.count > capacity || order.count > 2 * capacity, let oldest = order.popFirst() {
                if values[oldest.key]?.generation == oldest.generation { values[oldest.key] = nil }
            }
        }
    }
}
