/// A dictionary bounded to `capacity` entries that evicts the least recently used one when a new key would
/// exceed the bound. The one bounded cache of the package: every cache and "recently seen" memory is built on it.
///
/// Two ways of access, so one type serves both least-recently-used caches and insertion-ordered memories:
/// - ``value(for:)`` and ``set(_:for:)`` mark the key most recently used (a cache);
/// - the subscript and ``peek(_:)`` never change the order, and the subscript's setter updates an existing key
///   in place (a memory that forgets the oldest inserted key first; a removed and reinserted key is new).
///
/// Nodes live in an array linked by indices (most recent at `head`), so lookups, updates and evictions are
/// O(1) without per-entry allocation.
package struct BoundedLRU<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var previous: Int
        var next: Int
    }

    /// The most entries held (at least 1).
    package let capacity: Int
    private var index: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []
    private var head = -1
    private var tail = -1

    /// Creates an empty dictionary holding at most `capacity` entries (at least 1).
    package init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The number of entries held.
    package var count: Int { index.count }

    /// Whether `key` is held (without changing the order).
    package func contains(_ key: Key) -> Bool { index[key] != nil }

    /// The value for `key`, marking it most recently used.
    package mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToFront(slot)
        return nodes[slot].value
    }

    /// The value for `key` without changing the order.
    package func peek(_ key: Key) -> Value? {
        index[key].map { nodes[$0].value }
    }

    /// Stores `value` as most recently used; returns the evicted entry, if any.
    @discardableResult
    package mutating func set(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        if let slot = index[key] {
            nodes[slot].value = value
            moveToFront(slot)
            return nil
        }
        return insertAtFront(value, for: key)
    }

    /// The value of `key` without changing the order; setting a held key replaces its value in place, setting a
    /// new key inserts it as most recent (possibly evicting the least recent), setting nil removes the key.
    package subscript(key: Key) -> Value? {
        get { peek(key) }
        set {
            guard let newValue else {
                remove(key)
                return
            }
            if let slot = index[key] {
                nodes[slot].value = newValue
            } else {
                insertAtFront(newValue, for: key)
            }
        }
    }

    /// Removes `key`, returning its value.
    @discardableResult
    package mutating func remove(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        let value = nodes[slot].value
        removeSlot(slot)
        return value
    }

    /// Removes every entry.
    package mutating func removeAll() {
        index = [:]
        nodes = []
        free = []
        head = -1
        tail = -1
    }

    @discardableResult
    private mutating func insertAtFront(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        var evicted: (key: Key, value: Value)?
        if index.count >= capacity, tail >= 0 {
            evicted = (nodes[tail].key, nodes[tail].value)
            removeSlot(tail)
        }
        let node = Node(key: key, value: value, previous: -1, next: head)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
        index[key] = slot
        return evicted
    }

    private mutating func removeSlot(_ slot: Int) {
        unlink(slot)
        index[nodes[slot].key] = nil
        free.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let previous = nodes[slot].previous
        let next = nodes[slot].next
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
        nodes[slot].previous = -1
        nodes[slot].next = -1
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        nodes[slot].next = head
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
