/// A dictionary bounded to `capacity` entries that evicts the least recently used one.
///
/// Nodes live in an array linked by indices (most recent at `head`), so lookups, updates and
/// evictions are O(1) without per-entry allocation.
struct LRUDictionary<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var previous: Int
        var next: Int
    }

    let capacity: Int
    private var index: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []
    private var head = -1
    private var tail = -1

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { index.count }

    /// The value for `key`, marking it most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToFront(slot)
        return nodes[slot].value
    }

    /// The value for `key` without touching the order.
    func peek(_ key: Key) -> Value? {
        index[key].map { nodes[$0].value }
    }

    /// Stores `value` as most recently used; returns the evicted key, if any.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> Key? {
        if let slot = index[key] {
            nodes[slot].value = value
            moveToFront(slot)
            return nil
        }
        var evicted: Key?
        if index.count >= capacity, tail >= 0 {
            evicted = nodes[tail].key
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

    /// Removes `key`.
    mutating func remove(_ key: Key) {
        if let slot = index[key] { removeSlot(slot) }
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
