public import FirehoseSync
import IPLD
import PostgresNIO

/// The PostgreSQL implementation of ``StateStore`` and ``LeaseStore``: one server shared by every verifier
/// process, versioned migrations applied at open, one transaction per batch.
///
/// Each ``write(_:)`` is one transaction holding the account states, outcomes (the frame bytes of rejected
/// ones), audit figures, mirror changes and the cursor of (upstream, partition), so the cursor never runs ahead of
/// the state (Docs/CONTRACT.md §5). A batch with a ``StoreBatch/fence`` first locks the lease row
/// (`breakwater_check_fence`) and rolls back with `lease-lost` unless the lease still has the fence's holder and
/// epoch: a process that lost its lease can never commit again. A batch is sent as one pipeline, one round trip.
///
/// The account upsert never moves a rev backwards: a stored state is replaced only when its rev is empty or not
/// after the new one (revs are TIDs and compare byte-wise, `COLLATE "C"`); an equal rev still updates the
/// status, activity and sync state (`#account` events and desynchronisation change them without a commit).
/// Outcome counters are added whatever happens to the state.
///
/// The port is synchronous: calls block the calling thread (never an event loop) on a connection with its own
/// event loop thread (``PostgresSession``).
public final class PostgresStateStore: StateStore, LeaseStore {
    let session: PostgresSession

    /// Connects to `address` and applies the pending migrations. Throws `postgres-unreachable`, `postgres-auth`,
    /// `postgres-tls`, `schema-too-new` or `database-migration-failed`.
    public init(address: PostgresAddress) throws {
        session = try PostgresSession(address: address)
        try PostgresSchema.migrate(session)
    }

    /// Parses `url` and connects (``init(address:)``).
    public convenience init(url: String) throws {
        try self.init(address: PostgresAddress(parsing: url))
    }

    /// The address, without its password.
    public var address: PostgresAddress { session.address }

    /// The schema version applied to the database.
    public func schemaVersion() throws -> Int {
        try session.withConnection { statements in
            let rows = try statements.query("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            return Int(try rows.first.map { try RowReader($0).value(0, as: Int32.self) } ?? 0)
        }
    }

    // MARK: - Reads

    public func accounts(_ dids: [String]) throws -> [String: AccountState] {
        guard !dids.isEmpty else { return [:] }
        return try session.withConnection { statements in
            var binds = Binds()
            binds.values.append(dids)
            var result: [String: AccountState] = [:]
            for row in try statements.query("""
                SELECT did, rev, data, commit_cid, active, status, sync_state, last_seq FROM accounts WHERE did = ANY($1)
                """, binds.values) {
                let state = try Self.accountState(RowReader(row))
                result[state.did] = state
            }
            return result
        }
    }

    /// An `accounts` row (did, rev, data, commit_cid, active, status, sync_state, last_seq) as a state.
    static func accountState(_ row: RowReader) throws -> AccountState {
        AccountState(
            did: try row.value(0, as: String.self), rev: try row.value(1, as: String?.self),
            data: try cid(row.bytes(2), "account data"), commit: try cid(row.bytes(3), "account commit"),
            active: try row.value(4, as: Bool.self), status: try row.value(5, as: String?.self),
            sync: SyncStateCode.decode(Int(try row.value(6, as: Int16.self))), lastSeq: try row.value(7, as: Int64?.self))
    }

    static func cid(_ bytes: [UInt8]?, _ what: String) throws -> CID? {
        guard let bytes else { return nil }
        do { return try CID(bytes: bytes) } catch {
            throw PostgresStoreError(.corruptRow, "\(what) holds an invalid CID")
        }
    }

    public func cursor(upstream: String) throws -> Int64? {
        try cursor(upstream: upstream, partition: .whole)
    }

    public func cursor(upstream: String, partition: Partition) throws -> Int64? {
        try session.withConnection { statements in
            var binds = Binds()
            binds.add(upstream)
            binds.add(Int32(partition.index))
            binds.add(Int32(partition.count))
            let rows = try statements.query("""
                SELECT position FROM cursors WHERE upstream = $1 AND partition_index = $2 AND partition_count = $3
                """, binds.values)
            return try rows.first.map { try RowReader($0).value(0, as: Int64.self) }
        }
    }

    // MARK: - Writes

    public func write(_ batch: StoreBatch) throws {
        guard !batch.isEmpty || batch.fence != nil else { return }
        // The whole batch is sent as one pipeline (BEGIN, the fence, every statement, COMMIT): one round trip.
        // After a failure the server skips the rest of the transaction and turns the COMMIT into a rollback.
        var queued: [(String, PostgresBindings)] = [("BEGIN", PostgresBindings())]
        if let fence = batch.fence {
            var binds = Binds()
            binds.add(fence.key.upstream)
            binds.add(Int32(fence.key.partition.index))
            binds.add(Int32(fence.key.partition.count))
            binds.add(fence.holder)
            binds.add(fence.epoch)
            queued.append(("SELECT breakwater_check_fence($1, $2, $3, $4, $5)", binds.values))
        }
        let counters = Self.queueOutcomes(batch.outcomes, into: &queued)
        Self.queueAudit(batch.audit, into: &queued)
        if let upstream = batch.cursor?.upstream, !batch.audit.relay.isEmpty {
            Self.queueRelayHealth(batch.audit.relay, upstream: upstream, into: &queued)
        }
        Self.queueAccounts(batch.accounts, counters: counters, into: &queued)
        if let cursor = batch.cursor {
            var binds = Binds()
            binds.add(cursor.upstream)
            binds.add(Int32(batch.partition.index))
            binds.add(Int32(batch.partition.count))
            binds.add(cursor.position)
            binds.add(WallClock.nowMicros())
            binds.add(CursorKey.rateWindowMicros)
            queued.append(("""
                INSERT INTO cursors (upstream, partition_index, partition_count, position, updated_at, window_position, window_at)
                VALUES ($1, $2, $3, $4, $5, $4, $5)
                ON CONFLICT (upstream, partition_index, partition_count)
                DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at,
                    window_position = CASE WHEN cursors.window_at IS NULL OR excluded.updated_at - cursors.window_at >= $6
                        THEN cursors.position ELSE cursors.window_position END,
                    window_at = CASE WHEN cursors.window_at IS NULL OR excluded.updated_at - cursors.window_at >= $6
                        THEN cursors.updated_at ELSE cursors.window_at END
                """, binds.values))
        }
        do {
            try send(queued, mirrorUpdates: batch.mirrorUpdates)
        } catch let error as PostgresStoreError where error.code == .unreachable {
            // The connection was lost mid-batch (the server ends a session paused inside a transaction): the batch
            // was rolled back; when the lease has changed hands meanwhile, that is the failure to report.
            if let fence = batch.fence, let current = try? leases().first(where: { $0.key == fence.key }),
               current.holder != fence.holder || current.epoch != fence.epoch {
                throw PostgresStoreError(.leaseLost, "the lease of \(fence.key.upstream) partition \(fence.key.partition) is held by \(current.holder) at epoch \(current.epoch), not \(fence.holder) at epoch \(fence.epoch): nothing written")
            }
            throw error
        }
    }

    /// Sends a queued batch and commits it (the mirror updates, which read, go between the batch and COMMIT).
    private func send(_ queued: [(String, PostgresBindings)], mirrorUpdates: [MirrorUpdate]) throws {
        var queued = queued
        try session.withConnection { statements in
            do {
                if mirrorUpdates.isEmpty {
                    queued.append(("COMMIT", PostgresBindings()))
                    try statements.pipeline(queued)
                } else {
                    try statements.pipeline(queued)
                    try Self.writeMirrorUpdates(mirrorUpdates, statements: statements)
                    try statements.execute("COMMIT")
                }
            } catch {
                _ = try? statements.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Queues the violations and outcome totals; returns the outcome counts per account.
    static func queueOutcomes(_ outcomes: [RecordedOutcome], into queued: inout [(String, PostgresBindings)]) -> [String: [Outcome: Int]] {
        var perAccount: [String: [Outcome: Int]] = [:]
        var totals: [String: [String: Int]] = [:]
        for recorded in outcomes {
            let line = recorded.line
            totals[line.outcome.rawValue, default: [:]][line.reason?.rawValue ?? "", default: 0] += 1
            if let did = line.did { perAccount[did, default: [:]][line.outcome, default: 0] += 1 }
            guard line.outcome != .verified && line.outcome != .applied else { continue }
            var binds = Binds()
            binds.add(Int64(line.index))
            binds.add(line.seq)
            binds.add(line.type.rawValue)
            binds.add(line.did)
            binds.add(line.rev)
            binds.add(line.outcome.rawValue)
            binds.add(line.reason?.rawValue)
            binds.add(line.detail)
            binds.add(recorded.processedAt)
            binds.add(bytes: line.outcome == .rejected ? recorded.frame : nil)
            queued.append(("""
                INSERT INTO violations (frame_index, seq, type, did, rev, outcome, reason, detail, processed_at, frame)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, binds.values))
        }
        for outcome in totals.keys.sorted() {
            for (reason, n) in totals[outcome]!.sorted(by: { $0.key < $1.key }) {
                var binds = Binds()
                binds.add(outcome)
                binds.add(reason)
                binds.add(Int64(n))
                queued.append(("""
                    INSERT INTO outcome_counts (outcome, reason, count) VALUES ($1, $2, $3)
                    ON CONFLICT (outcome, reason) DO UPDATE SET count = outcome_counts.count + excluded.count
                    """, binds.values))
            }
        }
        return perAccount
    }

    /// Queues one upsert per account touched: the new state (subject to the rev guard) and the counters added.
    static func queueAccounts(_ accounts: [String: AccountState], counters: [String: [Outcome: Int]],
                              into queued: inout [(String, PostgresBindings)]) {
        let counterColumns = "n_verified, n_applied, n_rejected, n_desynchronized, n_ignored, n_unverifiable"
        let addCounters = """
            n_verified = a.n_verified + excluded.n_verified, n_applied = a.n_applied + excluded.n_applied,
            n_rejected = a.n_rejected + excluded.n_rejected, n_desynchronized = a.n_desynchronized + excluded.n_desynchronized,
            n_ignored = a.n_ignored + excluded.n_ignored, n_unverifiable = a.n_unverifiable + excluded.n_unverifiable
            """
        // The stored rev is absent, or the new one is present and not before it.
        let fresh = "(a.rev IS NULL OR (excluded.rev IS NOT NULL AND a.rev <= excluded.rev))"
        let stateColumns = ["rev", "data", "commit_cid", "active", "status", "sync_state", "last_seq"]
        let guardedState = stateColumns.map { "\($0) = CASE WHEN \(fresh) THEN excluded.\($0) ELSE a.\($0) END" }
            .joined(separator: ", ")
        let withState = """
            INSERT INTO accounts AS a (did, rev, data, commit_cid, active, status, sync_state, last_seq, \(counterColumns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (did) DO UPDATE SET \(guardedState), \(addCounters)
            """
        let countersOnly = """
            INSERT INTO accounts AS a (did, \(counterColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (did) DO UPDATE SET \(addCounters)
            """
        var dids = Set(accounts.keys)
        dids.formUnion(counters.keys)
        for did in dids.sorted() {
            let counts = counters[did] ?? [:]
            var binds = Binds()
            binds.add(did)
            if let state = accounts[did] {
                binds.add(state.rev)
                binds.add(bytes: state.data?.bytes)
                binds.add(bytes: state.commit?.bytes)
                binds.add(state.active)
                binds.add(state.status)
                binds.add(Int16(SyncStateCode.encode(state.sync)))
                binds.add(state.lastSeq)
            }
            for outcome in [Outcome.verified, .applied, .rejected, .desynchronized, .ignored, .unverifiable] {
                binds.add(Int64(counts[outcome] ?? 0))
            }
            queued.append((accounts[did] == nil ? countersOnly : withState, binds.values))
        }
    }
}
