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
/// epoch: a process that lost its lease can never commit again. A batch is sent as one pipeline, one round trip, of a
/// handful of statements: one multi-row statement per table, its rows bound as one array per column (``ColumnArray``)
/// and read back by `unnest`, so the cost of a batch hardly grows with its statement count.
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
            binds.values.append(dids.map(PostgresText.storable))
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

    /// The outcome counts of one account in one batch, in ``Outcome/allCases`` order.
    struct OutcomeCounters {
        var counts = [Int64](repeating: 0, count: Outcome.allCases.count)

        mutating func add(_ outcome: Outcome) {
            counts[Self.slot(outcome)] += 1
        }

        static func slot(_ outcome: Outcome) -> Int {
            switch outcome {
            case .verified: return 0
            case .applied: return 1
            case .rejected: return 2
            case .desynchronized: return 3
            case .ignored: return 4
            case .unverifiable: return 5
            }
        }
    }

    /// The account counter columns, in ``OutcomeCounters`` order.
    static let counterColumns = "n_verified, n_applied, n_rejected, n_desynchronized, n_ignored, n_unverifiable"

    /// The columns of a violations row, and the statement inserting a batch's violations in processing order.
    static let violationElements: [ColumnArray.Element] = [.bigint, .bigint, .text, .text, .text, .text, .text, .text, .bigint, .bytea]
    static let insertViolations = """
        INSERT INTO violations (frame_index, seq, type, did, rev, outcome, reason, detail, processed_at, frame)
        SELECT frame_index, seq, type, did, rev, outcome, reason, detail, processed_at, frame
        FROM \(ColumnArrays.unnest(violationElements))
            WITH ORDINALITY AS v(frame_index, seq, type, did, rev, outcome, reason, detail, processed_at, frame, n)
        ORDER BY n
        """
    /// The columns of an outcome total, and the statement adding a batch's totals.
    static let outcomeCountElements: [ColumnArray.Element] = [.text, .text, .bigint]
    static let upsertOutcomeCounts = """
        INSERT INTO outcome_counts AS o (outcome, reason, count) SELECT * FROM \(ColumnArrays.unnest(outcomeCountElements))
        ON CONFLICT (outcome, reason) DO UPDATE SET count = o.count + excluded.count
        """

    /// Queues the violations (one statement, rows in processing order) and the outcome totals (one statement);
    /// returns the outcome counts per account.
    static func queueOutcomes(_ outcomes: [RecordedOutcome], into queued: inout [(String, PostgresBindings)]) -> [String: OutcomeCounters] {
        var perAccount: [String: OutcomeCounters] = [:]
        var totals: [String: [String: Int64]] = [:]
        var violations = ColumnArrays(violationElements, capacity: 1024)
        for recorded in outcomes {
            let line = recorded.line
            totals[line.outcome.rawValue, default: [:]][line.reason?.rawValue ?? "", default: 0] += 1
            if let did = line.did { perAccount[did, default: OutcomeCounters()].add(line.outcome) }
            guard line.outcome != .verified && line.outcome != .applied else { continue }
            violations.columns[0].append(Int64(line.index))
            violations.columns[1].append(line.seq)
            violations.columns[2].append(line.type.rawValue)
            violations.columns[3].append(line.did)
            violations.columns[4].append(line.rev)
            violations.columns[5].append(line.outcome.rawValue)
            violations.columns[6].append(line.reason?.rawValue)
            violations.columns[7].append(line.detail)
            violations.columns[8].append(recorded.processedAt)
            violations.columns[9].append(bytes: line.outcome == .rejected ? recorded.frame : nil)
        }
        if violations.rows > 0 { queued.append((insertViolations, violations.bindings)) }
        var counts = ColumnArrays(outcomeCountElements)
        for outcome in totals.keys.sorted() {
            for (reason, n) in totals[outcome]!.sorted(by: { $0.key < $1.key }) {
                counts.columns[0].append(outcome)
                counts.columns[1].append(reason)
                counts.columns[2].append(n)
            }
        }
        if counts.rows > 0 { queued.append((upsertOutcomeCounts, counts.bindings)) }
        return perAccount
    }

    /// Adds the counters of the proposed row to the stored ones.
    static let addCounters = """
        n_verified = a.n_verified + excluded.n_verified, n_applied = a.n_applied + excluded.n_applied,
        n_rejected = a.n_rejected + excluded.n_rejected, n_desynchronized = a.n_desynchronized + excluded.n_desynchronized,
        n_ignored = a.n_ignored + excluded.n_ignored, n_unverifiable = a.n_unverifiable + excluded.n_unverifiable
        """
    /// The columns of an account row with a new state.
    static let stateElements: [ColumnArray.Element] = [.text, .text, .bytea, .bytea, .boolean, .text, .smallint, .bigint]
        + Array(repeating: .bigint, count: Outcome.allCases.count)
    /// The new state of each account, replacing the stored one only when the stored rev is absent, or the new one
    /// is present and not before it; the counters are added whatever happens to the state.
    static let upsertStates: String = {
        let fresh = "(a.rev IS NULL OR (excluded.rev IS NOT NULL AND a.rev <= excluded.rev))"
        let guardedState = ["rev", "data", "commit_cid", "active", "status", "sync_state", "last_seq"]
            .map { "\($0) = CASE WHEN \(fresh) THEN excluded.\($0) ELSE a.\($0) END" }
            .joined(separator: ", ")
        return """
            INSERT INTO accounts AS a (did, rev, data, commit_cid, active, status, sync_state, last_seq, \(counterColumns))
            SELECT * FROM \(ColumnArrays.unnest(stateElements))
            ON CONFLICT (did) DO UPDATE SET \(guardedState), \(addCounters)
            """
    }()
    /// The columns of an account row with counters only, and the statement adding them.
    static let counterElements: [ColumnArray.Element] = [.text] + Array(repeating: .bigint, count: Outcome.allCases.count)
    static let upsertCounters = """
        INSERT INTO accounts AS a (did, \(counterColumns)) SELECT * FROM \(ColumnArrays.unnest(counterElements))
        ON CONFLICT (did) DO UPDATE SET \(addCounters)
        """

    /// Queues the accounts touched, by DID: one statement for those with a new state (subject to the rev guard,
    /// counters added) and one for those with counters only.
    static func queueAccounts(_ accounts: [String: AccountState], counters: [String: OutcomeCounters],
                              into queued: inout [(String, PostgresBindings)]) {
        var dids = Set(accounts.keys)
        dids.formUnion(counters.keys)
        var states = ColumnArrays(stateElements, capacity: 64 * accounts.count)
        var countsOnly = ColumnArrays(counterElements)
        let none = OutcomeCounters()
        for did in dids.sorted() {
            let counts = counters[did] ?? none
            if let state = accounts[did] {
                states.columns[0].append(did)
                states.columns[1].append(state.rev)
                states.columns[2].append(bytes: state.data?.bytes)
                states.columns[3].append(bytes: state.commit?.bytes)
                states.columns[4].append(state.active)
                states.columns[5].append(state.status)
                states.columns[6].append(Int64(SyncStateCode.encode(state.sync)))
                states.columns[7].append(state.lastSeq)
                for (offset, n) in counts.counts.enumerated() { states.columns[8 + offset].append(n) }
            } else {
                countsOnly.columns[0].append(did)
                for (offset, n) in counts.counts.enumerated() { countsOnly.columns[1 + offset].append(n) }
            }
        }
        if states.rows > 0 { queued.append((upsertStates, states.bindings)) }
        if countsOnly.rows > 0 { queued.append((upsertCounters, countsOnly.bindings)) }
    }
}
