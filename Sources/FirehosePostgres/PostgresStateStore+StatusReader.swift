public import FirehoseSync

/// `status`, `audit report` and the status API over PostgreSQL: the same figures as the SQLite store's
/// (``StatusReader``), each read in one repeatable-read transaction so they describe one moment. Cursors are
/// named as the SQLite store names them (``CursorKey``).
extension PostgresStateStore: StatusReader {
    /// Columns of a violations row as ``recordedOutcome(_:)`` reads them.
    static let violationColumns = "frame_index, seq, type, did, rev, outcome, reason, detail, processed_at, frame"

    public func summary(recentViolations: Int) throws -> StoreSummary {
        try snapshot { statements in
            let (cursors, rates) = try Self.cursorsAndRates(statements)
            var accounts: [String: Int] = [:]
            let row = try statements.query("""
                SELECT COUNT(*), COUNT(*) FILTER (WHERE active), COUNT(*) FILTER (WHERE NOT active),
                    COUNT(*) FILTER (WHERE sync_state = 0), COUNT(*) FILTER (WHERE sync_state = 1),
                    COUNT(*) FILTER (WHERE sync_state = 2)
                FROM accounts
                """).first.map(RowReader.init)
            if let row {
                accounts["total"] = Int(try row.value(0, as: Int64.self))
                accounts["active"] = Int(try row.value(1, as: Int64.self))
                accounts["inactive"] = Int(try row.value(2, as: Int64.self))
                accounts[SyncState.synchronized.rawValue] = Int(try row.value(3, as: Int64.self))
                accounts[SyncState.desynchronized.rawValue] = Int(try row.value(4, as: Int64.self))
                accounts[SyncState.resyncing.rawValue] = Int(try row.value(5, as: Int64.self))
            }
            let outcomes = try Self.outcomeCounts(statements)
            let recent = try Self.fetchViolations(statements, did: nil, sinceMicros: nil, limit: recentViolations)
            var summary = StoreSummary(cursors: cursors, accounts: accounts, outcomes: outcomes, recentViolations: recent)
            summary.hosts = try Self.hostScores(statements)
            summary.cursorRates = rates
            return summary
        }
    }

    public func violations(did: String?, sinceMicros: Int64?, limit: Int) throws -> [RecordedOutcome] {
        try session.withConnection { statements in
            try Self.fetchViolations(statements, did: did, sinceMicros: sinceMicros, limit: limit)
        }
    }

    public func violation(seq: Int64) throws -> RecordedOutcome? {
        try session.withConnection { statements in
            var binds = Binds()
            binds.add(seq)
            return try statements.query("SELECT \(Self.violationColumns) FROM violations WHERE seq = $1 ORDER BY id DESC LIMIT 1", binds.values)
                .first.map { try Self.recordedOutcome(RowReader($0)) }
        }
    }

    public func auditReport(topAccounts: Int) throws -> AuditData {
        try snapshot { statements in
            let outcomes = try Self.outcomeCounts(statements)
            let hosts = try Self.hostScores(statements)
            var accounts: [AuditAccount] = []
            var top = Binds()
            top.add(Int64(max(0, topAccounts)))
            for row in try statements.query("""
                SELECT did, pds_host, n_rejected, n_desynchronized, n_unverifiable
                FROM accounts WHERE n_rejected + n_desynchronized + n_unverifiable > 0
                ORDER BY n_rejected + n_desynchronized + n_unverifiable DESC, did COLLATE "C" LIMIT $1
                """, top.values).map(RowReader.init) {
                let did = try row.value(0, as: String.self)
                var binds = Binds()
                binds.add(did)
                let latest = try statements.query("""
                    SELECT \(Self.violationColumns) FROM violations
                    WHERE did = $1 AND outcome IN ('rejected', 'desynchronized', 'unverifiable') ORDER BY id DESC LIMIT 1
                    """, binds.values).first.map { try Self.recordedOutcome(RowReader($0)) }
                accounts.append(AuditAccount(
                    did: did, host: try row.value(1), rejected: Int(try row.value(2, as: Int64.self)),
                    desynchronized: Int(try row.value(3, as: Int64.self)), unverifiable: Int(try row.value(4, as: Int64.self)),
                    latest: latest))
            }
            var buckets: [Int64: [Outcome: Int]] = [:]
            for row in try statements.query("SELECT minute, outcome, count FROM audit_minutes").map(RowReader.init) {
                guard let outcome = Outcome(rawValue: try row.value(1, as: String.self)) else { continue }
                buckets[try row.value(0, as: Int64.self), default: [:]][outcome, default: 0] += Int(try row.value(2, as: Int64.self))
            }
            let minutes = buckets.keys.sorted().map { AuditTimeBucket(minute: $0, byOutcome: buckets[$0]!) }
            var relays: [String: RelayHealthDelta] = [:]
            for row in try statements.query("SELECT upstream, \(Self.relayHealthColumns) FROM relay_health").map(RowReader.init) {
                relays[try row.value(0, as: String.self)] = try Self.relayHealth(row, offset: 1)
            }
            let cursors = try Self.cursors(statements)
            return AuditData(outcomes: outcomes, hosts: hosts, accounts: accounts, minutes: minutes, relays: relays, cursors: cursors)
        }
    }

    /// Runs `body` in a read-only repeatable-read transaction.
    func snapshot<T>(_ body: (Statements) throws -> T) throws -> T {
        try session.transaction { statements in
            try statements.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return try body(statements)
        }
    }

    static func cursors(_ statements: Statements) throws -> [String: Int64] {
        try cursorsAndRates(statements).cursors
    }

    /// Every cursor by its name (``CursorKey``) with the rate of those whose window holds more than one write.
    static func cursorsAndRates(_ statements: Statements) throws -> (cursors: [String: Int64], rates: [String: Double]) {
        var cursors: [String: Int64] = [:]
        var rates: [String: Double] = [:]
        let now = WallClock.nowMicros()
        let rows = try statements.query("""
            SELECT upstream, partition_index, partition_count, position, updated_at, window_position, window_at FROM cursors
            """).map(RowReader.init)
        for row in rows {
            let upstream = try row.value(0, as: String.self)
            let index = Int(try row.value(1, as: Int32.self)), count = Int(try row.value(2, as: Int32.self))
            guard let partition = try? Partition(index: index, count: count) else {
                throw PostgresStoreError(.corruptRow, "cursor partition \(index)/\(count) is invalid")
            }
            let name = CursorKey.name(upstream: upstream, partition: partition)
            let position = try row.value(3, as: Int64.self)
            cursors[name] = position
            rates[name] = CursorKey.rate(position: position, updatedAt: try row.value(4, as: Int64.self),
                                         windowPosition: try row.value(5, as: Int64?.self), windowAt: try row.value(6, as: Int64?.self),
                                         nowMicros: now)
        }
        return (cursors, rates)
    }

    static func outcomeCounts(_ statements: Statements) throws -> [String: Int] {
        var outcomes: [String: Int] = [:]
        for row in try statements.query("SELECT outcome, reason, count FROM outcome_counts").map(RowReader.init) {
            let outcome = try row.value(0, as: String.self), reason = try row.value(1, as: String.self)
            outcomes[reason.isEmpty ? outcome : "\(outcome)/\(reason)"] = Int(try row.value(2, as: Int64.self))
        }
        return outcomes
    }

    static func fetchViolations(_ statements: Statements, did: String?, sinceMicros: Int64?, limit: Int) throws -> [RecordedOutcome] {
        var conditions: [String] = []
        var binds = Binds()
        if let did { binds.add(did); conditions.append("did = $\(conditions.count + 1)") }
        if let sinceMicros { binds.add(sinceMicros); conditions.append("processed_at >= $\(conditions.count + 1)") }
        binds.add(Int64(max(0, limit)))
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try statements.query("""
            SELECT \(violationColumns) FROM violations\(filter) ORDER BY id DESC LIMIT $\(conditions.count + 1)
            """, binds.values).map { try recordedOutcome(RowReader($0)) }
    }

    /// A violations row (``violationColumns``) as a ``RecordedOutcome``.
    static func recordedOutcome(_ row: RowReader) throws -> RecordedOutcome {
        let line = OutcomeLine(
            index: Int(try row.value(0, as: Int64.self)), seq: try row.value(1), type: EventType(rawValue: try row.value(2)) ?? .unknown,
            did: try row.value(3), rev: try row.value(4), outcome: Outcome(rawValue: try row.value(5)) ?? .rejected,
            reason: try row.value(6, as: String?.self).flatMap(Reason.init(rawValue:)), detail: try row.value(7))
        return RecordedOutcome(line: line, frame: try row.bytes(9), processedAt: try row.value(8))
    }

    /// Per-host figures, most events first (ties by host name).
    static func hostScores(_ statements: Statements) throws -> [HostScore] {
        var tally = HostScoreTally()
        for row in try statements.query("""
            SELECT host, outcome, reason, SUM(count)::BIGINT FROM audit_host_days GROUP BY host, outcome, reason
            """).map(RowReader.init) {
            tally.addEvents(host: try row.value(0, as: String.self), outcome: try row.value(1, as: String.self),
                            reason: try row.value(2, as: String.self), count: Int(try row.value(3, as: Int64.self)))
        }
        for row in try statements.query("SELECT host, kind, SUM(count)::BIGINT FROM audit_host_warnings GROUP BY host, kind").map(RowReader.init) {
            tally.addWarnings(host: try row.value(0, as: String.self), kind: try row.value(1, as: String.self),
                              count: Int(try row.value(2, as: Int64.self)))
        }
        for row in try statements.query("SELECT host, SUM(started)::BIGINT, SUM(completed)::BIGINT FROM audit_resyncs GROUP BY host").map(RowReader.init) {
            tally.setResyncs(host: try row.value(0, as: String.self), started: Int(try row.value(1, as: Int64.self)),
                             completed: Int(try row.value(2, as: Int64.self)))
        }
        for row in try statements.query("SELECT COALESCE(pds_host, 'unknown'), COUNT(*) FROM accounts GROUP BY 1").map(RowReader.init) {
            tally.setAccounts(host: try row.value(0, as: String.self), count: Int(try row.value(1, as: Int64.self)))
        }
        return tally.ranked
    }
}
