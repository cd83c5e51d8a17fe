public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// The SQLite implementation of ``StateStore``: one file, WAL mode, versioned migrations, batched writes.
///
/// It owns the database's one connection pool and serves the pipeline; each other concern has its own type over
/// the same pool: ``status`` (``StatusQueries``), ``audit`` (``AuditStore``), ``identities``
/// (``SQLiteIdentityCache``) and ``mirrors`` (``MirrorStore``).
///
/// Docs/CONTRACT.md §5. Each ``write(_:)`` is one transaction holding the account states, outcomes, mirror
/// changes and the cursor that describes them, so after a crash the cursor never runs ahead of the state.
public final class SQLiteStateStore: StateStore {
    let pool: any DatabaseWriter
    /// The writer's exclusive hold on the database, kept as long as the store lives (``init(path:exclusive:)``).
    let lock: DatabaseLock?
    /// True for a store opened with ``openReadOnly(path:)``: every write fails.
    public let isReadOnly: Bool

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema. With `exclusive`, the
    /// process first takes the database's writer lock (``DatabaseLock``; `database-locked` when another writer holds
    /// it), held until the store is released: every command that writes takes it. A damaged file is refused
    /// (`database-corrupt`) before anything writes to it.
    public init(path: String, exclusive: Bool = false) throws {
        lock = exclusive ? try DatabaseLock(databasePath: path) : nil
        isReadOnly = false
        try SQLiteStateStore.checkIntegrity(path: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 16 MiB of page cache per connection (SQLite's default is 2 MB): the account index of a large batch stays
            // in memory.
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SQLiteStateStore.corruption(path, error) ?? StoreError(.openFailed, "cannot open database \(path): \(error)")
        }
        // Two processes opening a new file at once (e.g. `consume` and `status`) can both find a migration pending;
        // the loser's statement then fails (a table or column that now exists). The migrator reads what is applied
        // afresh on every attempt, so a retry finds the work done; a genuine failure fails every attempt.
        var attempt = 0
        while true {
            do {
                try Schema.migrator().migrate(pool)
                break
            } catch {
                attempt += 1
                if attempt >= 3 { throw StoreError(.migrationFailed, "cannot migrate database \(path): \(error)") }
                usleep(UInt32(100_000 * attempt))
            }
        }
    }

    /// A store over a connection opened read-only (``openReadOnly(path:)``).
    init(readOnly connection: DatabaseQueue) {
        pool = connection
        lock = nil
        isReadOnly = true
    }

    /// Runs `body` mapping GRDB errors to ``StoreError``.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as FirehoseSyncError {
            throw error  // a mirror's own refusal (Docs/CONTRACT.md §1), not a storage failure
        } catch {
            throw SQLiteStateStore.storageFailure(error, path: pool.path) ?? StoreError(.sqlite, "\(error)")
        }
    }

    /// The SQLite journal mode in force (`wal` for this store).
    public func journalMode() throws -> String {
        try guarded { try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" } }
    }

    // MARK: - Reads

    /// DIDs per `IN (…)` query of ``accounts(_:)``.
    static let accountsPerQuery = 256
    /// The sizes of the `IN (…)` lists of ``accounts(_:)`` (a list is padded up to the next one).
    static let accountQuerySizes = [1, 4, 16, 64, accountsPerQuery]

    /// The stored states of `dids`, read with one `IN (…)` query per ``accountsPerQuery`` accounts.
    public func accounts(_ dids: [String]) throws -> [String: AccountState] {
        guard !dids.isEmpty else { return [:] }
        return try guarded {
            try pool.read { db in
                var result: [String: AccountState] = [:]
                var start = dids.startIndex
                while start < dids.endIndex {
                    let chunk = dids[start..<min(start + SQLiteStateStore.accountsPerQuery, dids.endIndex)]
                    start = chunk.endIndex
                    // The list is padded (with its last DID, which changes nothing) to one of a few sizes, so each size's
                    // statement is prepared once per connection and reused, whatever the number of DIDs asked.
                    let size = SQLiteStateStore.accountQuerySizes.first { $0 >= chunk.count } ?? chunk.count
                    let placeholders = Array(repeating: "?", count: size).joined(separator: ", ")
                    let sql = """
                        SELECT did, rev, data, commit_cid, active, status, sync_state, last_seq FROM accounts WHERE did IN (\(placeholders))
                        """
                    let statement = try db.cachedStatement(sql: sql)
                    var asked = Array(chunk)
                    if let last = asked.last { asked += Array(repeating: last, count: size - asked.count) }
                    let rows = try Row.fetchCursor(statement, arguments: StatementArguments(asked))
                    while let row = try rows.next() {
                        let state = try SQLiteStateStore.accountState(from: row)
                        result[state.did] = state
                    }
                }
                return result
            }
        }
    }

    static func accountState(from row: Row) throws -> AccountState {
        func cid(_ column: String) throws -> CID? {
            guard let data: Data = row[column] else { return nil }
            do { return try CID(bytes: [UInt8](data)) } catch {
                throw StoreError(.corruptRow, "account column \(column) holds an invalid CID")
            }
        }
        let syncCode: Int = row["sync_state"]
        return AccountState(
            did: row["did"], rev: row["rev"], data: try cid("data"), commit: try cid("commit_cid"),
            active: row["active"], status: row["status"], sync: SyncStateCode.decode(syncCode), lastSeq: row["last_seq"])
    }

    public func cursor(upstream: String) throws -> Int64? {
        try cursor(upstream: upstream, partition: .whole)
    }

    /// The cursor of (upstream, partition), stored under ``CursorKey/name(upstream:partition:)``.
    public func cursor(upstream: String, partition: Partition) throws -> Int64? {
        let name = CursorKey.name(upstream: upstream, partition: partition)
        return try guarded {
            try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT position FROM cursors WHERE upstream = ?", arguments: [name])
            }
        }
    }

    // MARK: - Writes

    public func write(_ batch: StoreBatch) throws {
        guard !batch.isEmpty else { return }
        if let fence = batch.fence {
            // A SQLite file has one writer (the database lock); leases live in a shared database only.
            throw StoreError(.leasesUnsupported, "a SQLite database keeps no leases, so a write fenced by the lease of \(fence.key) cannot be checked")
        }
        try guarded {
            try pool.write { db in
                let counters = try SQLiteStateStore.writeOutcomes(batch.outcomes, db: db)
                try SQLiteStateStore.writeAudit(batch.audit, upstream: batch.cursor?.upstream, accountHostsWritten: true, db: db)
                try SQLiteStateStore.writeAccounts(batch.accounts, counters: counters, hosts: batch.audit.accountHosts, db: db)
                try SQLiteStateStore.writeMirrorUpdates(batch.mirrorUpdates, db: db)
                if let cursor = batch.cursor {
                    let statement = DirectStatement(try db.cachedStatement(sql: """
                        INSERT INTO cursors (upstream, position, updated_at, window_position, window_at) VALUES (?1, ?2, ?3, ?2, ?3)
                        ON CONFLICT(upstream) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at,
                            window_position = CASE WHEN cursors.window_at IS NULL OR excluded.updated_at - cursors.window_at >= ?4
                                THEN cursors.position ELSE cursors.window_position END,
                            window_at = CASE WHEN cursors.window_at IS NULL OR excluded.updated_at - cursors.window_at >= ?4
                                THEN cursors.updated_at ELSE cursors.window_at END
                        """))
                    try statement.bind(1, CursorKey.name(upstream: cursor.upstream, partition: batch.partition))
                    try statement.bind(2, cursor.position)
                    try statement.bind(3, WallClock.nowMicros())
                    try statement.bind(4, CursorKey.rateWindowMicros)
                    try statement.step()
                }
            }
        }
    }

    /// One account's outcome counts in a batch, in the order of the `n_…` columns.
    struct OutcomeCounters {
        var counts = (verified: 0, applied: 0, rejected: 0, desynchronized: 0, ignored: 0, unverifiable: 0)

        mutating func add(_ outcome: Outcome) {
            switch outcome {
            case .verified: counts.verified += 1
            case .applied: counts.applied += 1
            case .rejected: counts.rejected += 1
            case .desynchronized: counts.desynchronized += 1
            case .ignored: counts.ignored += 1
            case .unverifiable: counts.unverifiable += 1
            }
        }

        /// Binds the six counts to the parameters from `first` on, in the order of the `n_…` columns.
        func bind(to statement: DirectStatement, from first: Int32) throws {
            try statement.bind(first, counts.verified)
            try statement.bind(first + 1, counts.applied)
            try statement.bind(first + 2, counts.rejected)
            try statement.bind(first + 3, counts.desynchronized)
            try statement.bind(first + 4, counts.ignored)
            try statement.bind(first + 5, counts.unverifiable)
        }
    }

    /// Writes each account touched by the batch with one statement: the new state (when the batch has one and it
    /// does not move the rev backwards), the outcome counters added to the stored ones and the PDS host the audit
    /// attributed its events to (when known).
    /// Accounts first seen through a non-state event (e.g. a rejected frame) get a row with counters only.
    static func writeAccounts(_ accounts: [String: AccountState], counters: [String: OutcomeCounters], hosts: [String: String],
                              db: Database) throws {
        let counterColumns = "n_verified, n_applied, n_rejected, n_desynchronized, n_ignored, n_unverifiable, pds_host"
        let addCounters = """
            n_verified = n_verified + excluded.n_verified, n_applied = n_applied + excluded.n_applied,
            n_rejected = n_rejected + excluded.n_rejected, n_desynchronized = n_desynchronized + excluded.n_desynchronized,
            n_ignored = n_ignored + excluded.n_ignored, n_unverifiable = n_unverifiable + excluded.n_unverifiable,
            pds_host = coalesce(excluded.pds_host, pds_host)
            """
        // A stored state is replaced only when its rev is empty or not after the new one (TIDs compare byte-wise):
        // a rev never moves backwards; an equal rev still updates status, activity and sync state.
        let fresh = "(accounts.rev IS NULL OR (excluded.rev IS NOT NULL AND accounts.rev <= excluded.rev))"
        let guardedState = ["rev", "data", "commit_cid", "active", "status", "sync_state", "last_seq"]
            .map { "\($0) = CASE WHEN \(fresh) THEN excluded.\($0) ELSE accounts.\($0) END" }.joined(separator: ", ")
        let scratch = BindingScratch()
        let withState = DirectStatement(scratch: scratch, try db.cachedStatement(sql: """
            INSERT INTO accounts (did, rev, data, commit_cid, active, status, sync_state, last_seq, \(counterColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(did) DO UPDATE SET \(guardedState), \(addCounters)
            """))
        let countersOnly = DirectStatement(scratch: scratch, try db.cachedStatement(sql: """
            INSERT INTO accounts (did, \(counterColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(did) DO UPDATE SET \(addCounters)
            """))
        var dids = Array(accounts.keys)
        for did in counters.keys where accounts[did] == nil { dids.append(did) }
        for did in hosts.keys where accounts[did] == nil && counters[did] == nil { dids.append(did) }
        dids.sort()
        // The two CIDs' binary forms, rebuilt in place for each account and bound without a copy.
        var data: [UInt8] = [], commit: [UInt8] = []
        data.reserveCapacity(36)
        commit.reserveCapacity(36)
        for did in dids {
            let counts = counters[did] ?? OutcomeCounters()
            guard let state = accounts[did] else {
                try countersOnly.bind(1, did)
                try counts.bind(to: countersOnly, from: 2)
                try countersOnly.bind(8, hosts[did])
                try countersOnly.step()
                continue
            }
            data.removeAll(keepingCapacity: true)
            commit.removeAll(keepingCapacity: true)
            state.data?.append(to: &data)
            state.commit?.append(to: &commit)
            try withState.bind(1, state.did)
            try withState.bind(2, state.rev)
            try withState.bind(5, state.active)
            try withState.bind(6, state.status)
            try withState.bind(7, SyncStateCode.encode(state.sync))
            try withState.bind(8, state.lastSeq)
            try counts.bind(to: withState, from: 9)
            try withState.bind(15, hosts[did])
            try data.withUnsafeBytes { dataBytes in
                try commit.withUnsafeBytes { commitBytes in
                    try withState.bind(3, blob: state.data == nil ? nil : dataBytes)
                    try withState.bind(4, blob: state.commit == nil ? nil : commitBytes)
                    try withState.step()
                }
            }
        }
    }

    /// An outcome and its reason, the key of the `outcome_counts` totals.
    struct OutcomeKey: Hashable {
        var outcome: Outcome
        var reason: Reason?
    }

    /// Writes the violations and the outcome totals; returns the outcome counts per account for
    /// ``writeAccounts(_:counters:hosts:db:)``.
    static func writeOutcomes(_ outcomes: [RecordedOutcome], db: Database) throws -> [String: OutcomeCounters] {
        var perAccount: [String: OutcomeCounters] = [:]
        guard !outcomes.isEmpty else { return perAccount }
        var totals: [OutcomeKey: Int] = [:]
        let violation = DirectStatement(scratch: BindingScratch(), try db.cachedStatement(sql: """
            INSERT INTO violations (frame_index, seq, type, did, rev, outcome, reason, detail, processed_at, frame)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        for recorded in outcomes {
            let line = recorded.line
            totals[OutcomeKey(outcome: line.outcome, reason: line.reason), default: 0] += 1
            if let did = line.did { perAccount[did, default: OutcomeCounters()].add(line.outcome) }
            if line.outcome != .verified && line.outcome != .applied {
                try violation.bind(1, line.index)
                try violation.bind(2, line.seq)
                try violation.bind(3, line.type.rawValue)
                try violation.bind(4, line.did)
                try violation.bind(5, line.rev)
                try violation.bind(6, line.outcome.rawValue)
                try violation.bind(7, line.reason?.rawValue)
                try violation.bind(8, line.detail)
                try violation.bind(9, recorded.processedAt)
                let frame = line.outcome == .rejected ? recorded.frame : nil
                if let frame {
                    try frame.withUnsafeBytes { bytes in
                        try violation.bind(10, blob: bytes)
                        try violation.step()
                    }
                } else {
                    try violation.bind(10, blob: nil)
                    try violation.step()
                }
            }
        }
        let count = DirectStatement(try db.cachedStatement(sql: """
            INSERT INTO outcome_counts (outcome, reason, count) VALUES (?, ?, ?)
            ON CONFLICT(outcome, reason) DO UPDATE SET count = count + excluded.count
            """))
        let rows = totals.map { (outcome: $0.key.outcome.rawValue, reason: $0.key.reason?.rawValue ?? "", count: $0.value) }
        for row in rows.sorted(by: { ($0.outcome, $0.reason) < ($1.outcome, $1.reason) }) {
            try count.bind(1, row.outcome)
            try count.bind(2, row.reason)
            try count.bind(3, row.count)
            try count.step()
        }
        return perAccount
    }

    static func fetchViolations(db: Database, did: String?, sinceMicros: Int64?, limit: Int) throws -> [RecordedOutcome] {
        var sql = "SELECT * FROM violations"
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let did { conditions.append("did = ?"); _ = arguments.append(contentsOf: [did]) }
        if let sinceMicros { conditions.append("processed_at >= ?"); _ = arguments.append(contentsOf: [sinceMicros]) }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY id DESC LIMIT ?"
        _ = arguments.append(contentsOf: [limit])
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(recordedOutcome)
    }

    /// A violations row as a ``RecordedOutcome``.
    static func recordedOutcome(_ row: Row) -> RecordedOutcome {
        let typeText: String = row["type"]
        let outcomeText: String = row["outcome"]
        let reasonText: String? = row["reason"]
        let frame: Data? = row["frame"]
        let line = OutcomeLine(
            index: row["frame_index"], seq: row["seq"], type: EventType(rawValue: typeText) ?? .unknown,
            did: row["did"], rev: row["rev"], outcome: Outcome(rawValue: outcomeText) ?? .rejected,
            reason: reasonText.flatMap(Reason.init(rawValue:)), detail: row["detail"])
        return RecordedOutcome(line: line, frame: frame.map { [UInt8]($0) }, processedAt: row["processed_at"])
    }
}
