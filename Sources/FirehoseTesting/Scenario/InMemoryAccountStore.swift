public import FirehoseSync

/// Account states, cursors and outcomes kept in memory: the pipeline's store port (`accounts`, `cursor`,
/// `write`) without SQLite, for pure tests.
public struct InMemoryAccountStore: Sendable {
    /// The stored state of each account.
    public private(set) var states: [String: AccountState] = [:]
    /// The stored cursor of each upstream.
    public private(set) var cursors: [String: Int64] = [:]
    /// Every outcome written, in order.
    public private(set) var outcomes: [RecordedOutcome] = []

    /// Creates an empty store.
    public init() {}

    /// The stored states of the given accounts (absent DIDs are missing from the result).
    public func accounts(_ dids: [String]) -> [String: AccountState] {
        var found: [String: AccountState] = [:]
        for did in dids { found[did] = states[did] }
        return found
    }

    /// The stored cursor of an upstream.
    public func cursor(upstream: String) -> Int64? { cursors[upstream] }

    /// The stored cursor of one partition of an upstream.
    public func cursor(upstream: String, partition: Partition) -> Int64? {
        cursors[CursorKey.name(upstream: upstream, partition: partition)]
    }

    /// Writes a batch: its account states, its outcomes and its cursor (mirror updates and audit counts are not kept).
    public mutating func write(_ batch: StoreBatch) {
        for (did, state) in batch.accounts { states[did] = state }
        outcomes.append(contentsOf: batch.outcomes)
        if let cursor = batch.cursor { cursors[CursorKey.name(upstream: cursor.upstream, partition: batch.partition)] = cursor.position }
    }
}
