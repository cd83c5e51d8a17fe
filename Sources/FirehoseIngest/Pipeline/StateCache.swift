public import FirehoseSync
import Synchronization

/// The workers' view of account state: states not yet durably written ("dirty", bounded by the events in
/// flight) over a bounded least-recently-used cache of written ones, over the store.
///
/// A dirty entry is only dropped once the writer reports that the batch holding it is committed, so a state
/// is never re-read from a store that lags behind it.
public final class StateCache: Sendable {
    struct Storage {
        var dirty: [String: (state: AccountState, index: Int)] = [:]
        var clean: [String: (state: AccountState, stamp: UInt64)] = [:]
        var clock: UInt64 = 0
    }

    private let storage = Mutex(Storage())
    /// The largest number of clean entries kept.
    public let capacity: Int

    /// Creates a cache holding up to `capacity` clean states.
    public init(capacity: Int = 200_000) { self.capacity = max(16, capacity) }

    /// The cached state of `did`: `.some(nil)` is never returned; nil means "not cached, ask the store".
    public func lookup(_ did: String) -> AccountState? {
        storage.withLock { s in
            if let entry = s.dirty[did] { return entry.state }
            if let entry = s.clean[did] {
                s.clock &+= 1
                s.clean[did] = (entry.state, s.clock)
                return entry.state
            }
            return nil
        }
    }

    /// Records a state produced by the event at `index`, not yet written.
    public func putDirty(_ state: AccountState, index: Int) {
        storage.withLock { s in
            s.dirty[state.did] = (state, index)
            s.clean.removeValue(forKey: state.did)
        }
    }

    /// Records a state read from the store.
    public func putClean(_ state: AccountState) {
        storage.withLock { s in
            guard s.dirty[state.did] == nil else { return }
            s.clock &+= 1
            s.clean[state.did] = (state, s.clock)
            StateCache.evictIfNeeded(&s, capacity: capacity)
        }
    }

    /// Moves every dirty state produced at or below `index` to the clean cache (its batch is committed).
    public func markCommitted(upTo index: Int) {
        storage.withLock { s in
            for (did, entry) in s.dirty where entry.index <= index {
                s.dirty.removeValue(forKey: did)
                s.clock &+= 1
                s.clean[did] = (entry.state, s.clock)
            }
            StateCache.evictIfNeeded(&s, capacity: capacity)
        }
    }

    /// Number of dirty and clean entries (for metrics and tests).
    public var counts: (dirty: Int, clean: Int) { storage.withLock { ($0.dirty.count, $0.clean.count) } }

    private static func evictIfNeeded(_ s: inout Storage, capacity: Int) {
        guard s.clean.count > capacity else { return }
        // Drop the oldest quarter in one pass (amortised O(1) per insertion).
        let dropCount = s.clean.count - capacity * 3 / 4
        let victims = s.clean.sorted { $0.value.stamp < $1.value.stamp }.prefix(dropCount).map(\.key)
        for did in victims { s.clean.removeValue(forKey: did) }
    }
}
