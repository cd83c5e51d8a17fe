public import FirehoseSync
import IPLD
import Synchronization

/// The workers' view of account state: states not yet durably written ("dirty", bounded by the events in
/// flight) over a bounded least-recently-used cache of written ones, over the store.
///
/// A dirty entry is only dropped once the writer reports that the batch holding it is committed, so a state
/// is never re-read from a store that lags behind it.
public final class StateCache: Sendable {
    struct Storage {
        var dirty: [String: (state: AccountState, index: Int)] = [:]
        var clean: BoundedLRU<String, AccountState>
    }

    private let storage: Mutex<Storage>
    /// The largest number of clean entries kept.
    public let capacity: Int

    /// Creates a cache holding up to `capacity` clean states (at least 16).
    public init(capacity: Int = 200_000) {
        self.capacity = max(16, capacity)
        storage = Mutex(Storage(clean: BoundedLRU(capacity: self.capacity)))
    }

    /// The cached state of `did`: `.some(nil)` is never returned; nil means "not cached, ask the store".
    public func lookup(_ did: String) -> AccountState? {
        storage.withLock { s in
            if let entry = s.dirty[did] { return entry.state }
            return s.clean.value(for: did)
        }
    }

    /// Records a state produced by the event at `index`, not yet written.
    public func putDirty(_ state: AccountState, index: Int) {
        storage.withLock { s in
            s.dirty[state.did] = (state, index)
            s.clean.remove(state.did)
        }
    }

    /// Records a state read from the store.
    public func putClean(_ state: AccountState) {
        storage.withLock { s in
            guard s.dirty[state.did] == nil else { return }
            s.clean.set(state, for: state.did)
        }
    }

    /// Moves every dirty state produced at or below `index` to the clean cache (its batch is committed).
    public func markCommitted(upTo index: Int) {
        storage.withLock { s in
            for (did, entry) in s.dirty where entry.index <= index {
                s.dirty.removeValue(forKey: did)
                s.clean.set(entry.state, for: did)
            }
        }
    }

    /// Number of dirty and clean entries (for metrics and tests).
    public var counts: (dirty: Int, clean: Int) { storage.withLock { ($0.dirty.count, $0.clean.count) } }
}
