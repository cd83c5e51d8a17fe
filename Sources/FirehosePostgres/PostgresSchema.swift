import Foundation

/// The versioned PostgreSQL schema. Migrations only ever append; `schema_version` holds one row per applied
/// version, and every pending migration is applied in one transaction at open, under an advisory lock so that
/// processes opening the same database at once apply each migration once.
///
/// The tables mirror the SQLite schema (Docs/CONTRACT.md §5) with two differences: cursors are kept per
/// (upstream, partition), and a `leases` table holds the writer lease of each (upstream, partition). Revisions
/// are `COLLATE "C"` so that they compare byte-wise, as TIDs do.
enum PostgresSchema {
    /// The advisory lock key taken while migrating.
    static let migrationLock: Int64 = 0x4277_6174_6572  // "Bwater"

    /// The migrations, in order; version N is `migrations[N - 1]`, a list of statements (the extended query
    /// protocol takes one statement at a time).
    static let migrations: [[String]] = [
        statements(of: """
        CREATE TABLE cursors (
            upstream TEXT NOT NULL,
            partition_index INTEGER NOT NULL,
            partition_count INTEGER NOT NULL,
            position BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (upstream, partition_index, partition_count)
        );
        CREATE TABLE accounts (
            did TEXT PRIMARY KEY,
            rev TEXT COLLATE "C",
            data BYTEA,
            commit_cid BYTEA,
            active BOOLEAN NOT NULL DEFAULT TRUE,
            status TEXT,
            sync_state SMALLINT NOT NULL DEFAULT 0,
            last_seq BIGINT,
            n_verified BIGINT NOT NULL DEFAULT 0,
            n_applied BIGINT NOT NULL DEFAULT 0,
            n_rejected BIGINT NOT NULL DEFAULT 0,
            n_desynchronized BIGINT NOT NULL DEFAULT 0,
            n_ignored BIGINT NOT NULL DEFAULT 0,
            n_unverifiable BIGINT NOT NULL DEFAULT 0,
            pds_host TEXT
        );
        CREATE TABLE outcome_counts (
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (outcome, reason)
        );
        CREATE TABLE violations (
            id BIGSERIAL PRIMARY KEY,
            frame_index BIGINT NOT NULL,
            seq BIGINT,
            type TEXT NOT NULL,
            did TEXT,
            rev TEXT,
            outcome TEXT NOT NULL,
            reason TEXT,
            detail TEXT,
            processed_at BIGINT NOT NULL,
            frame BYTEA
        );
        CREATE INDEX violations_by_did ON violations (did, id);
        CREATE INDEX violations_by_seq ON violations (seq, id);
        CREATE INDEX violations_by_time ON violations (processed_at);
        CREATE TABLE identities (
            did TEXT PRIMARY KEY,
            signing_key TEXT,
            pds TEXT,
            handle TEXT,
            error TEXT,
            fetched_at BIGINT NOT NULL,
            key_error TEXT,
            directory TEXT
        );
        CREATE TABLE records (
            did TEXT NOT NULL,
            collection TEXT NOT NULL,
            rkey TEXT NOT NULL,
            cid BYTEA NOT NULL,
            bytes BYTEA NOT NULL,
            PRIMARY KEY (did, collection, rkey)
        );
        CREATE TABLE mirrors (
            did TEXT PRIMARY KEY,
            collections TEXT NOT NULL DEFAULT '',
            data BYTEA,
            commit_cid BYTEA,
            commit_bytes BYTEA,
            rev TEXT COLLATE "C",
            stale TEXT,
            added_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE TABLE audit_host_days (
            host TEXT NOT NULL,
            day TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (host, day, outcome, reason)
        );
        CREATE TABLE audit_host_warnings (
            host TEXT NOT NULL,
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (host, day, kind)
        );
        CREATE TABLE audit_minutes (
            minute BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (minute, outcome)
        );
        CREATE TABLE audit_resyncs (
            host TEXT NOT NULL,
            day TEXT NOT NULL,
            started BIGINT NOT NULL DEFAULT 0,
            completed BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (host, day)
        );
        CREATE TABLE relay_health (
            upstream TEXT PRIMARY KEY,
            frames BIGINT NOT NULL DEFAULT 0,
            gaps BIGINT NOT NULL DEFAULT 0,
            missing_seqs BIGINT NOT NULL DEFAULT 0,
            duplicates BIGINT NOT NULL DEFAULT 0,
            reconnects BIGINT NOT NULL DEFAULT 0,
            lag_count BIGINT NOT NULL DEFAULT 0,
            lag_sum_ms BIGINT NOT NULL DEFAULT 0,
            lag_max_ms BIGINT NOT NULL DEFAULT 0,
            lag_buckets BIGINT[] NOT NULL DEFAULT '{0,0,0,0,0,0}',
            first_seen BIGINT,
            last_seen BIGINT,
            last_seq BIGINT,
            backfill_events BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE leases (
            upstream TEXT NOT NULL,
            partition_index INTEGER NOT NULL,
            partition_count INTEGER NOT NULL,
            holder TEXT NOT NULL,
            epoch BIGINT NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (upstream, partition_index, partition_count)
        );
        """) + [
            // The fence of a batch (sent in the same pipeline as the batch): locks the lease row until the
            // transaction ends and raises SQLSTATE BW001 (`lease-lost`) unless the lease has this holder and epoch.
            """
            CREATE FUNCTION breakwater_check_fence(p_upstream TEXT, p_index INTEGER, p_count INTEGER, p_holder TEXT, p_epoch BIGINT)
            RETURNS VOID LANGUAGE plpgsql AS $$
            DECLARE
                stored_holder TEXT;
                stored_epoch BIGINT;
            BEGIN
                SELECT holder, epoch INTO stored_holder, stored_epoch FROM leases
                WHERE upstream = p_upstream AND partition_index = p_index AND partition_count = p_count FOR UPDATE;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'no lease of % partition %/% is stored', p_upstream, p_index, p_count USING ERRCODE = 'BW001';
                END IF;
                IF stored_holder <> p_holder OR stored_epoch <> p_epoch THEN
                    RAISE EXCEPTION 'the lease of % partition %/% is held by % at epoch %, not % at epoch %: nothing written',
                        p_upstream, p_index, p_count, stored_holder, stored_epoch, p_holder, p_epoch USING ERRCODE = 'BW001';
                END IF;
            END
            $$
            """,
        ],
        // The start of each cursor's rate window (position and time), for the rate `status` shows.
        [
            "ALTER TABLE cursors ADD COLUMN window_position BIGINT",
            "ALTER TABLE cursors ADD COLUMN window_at BIGINT",
        ],
        // Mirrored records in byte order (the order `mirror records` pages in and `mirror export` walks), so
        // reading a large mirror page by page follows an index instead of sorting the account's records each time.
        [
            "CREATE INDEX records_byte_order ON records (did, collection COLLATE \"C\", rkey COLLATE \"C\")",
        ],
    ]

    /// The SQLSTATE `breakwater_check_fence` raises.
    static let leaseLostState = "BW001"

    /// The newest version this build knows.
    static var currentVersion: Int { migrations.count }

    /// The statements of a migration script.
    static func statements(of script: String) -> [String] {
        script.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Applies the pending migrations in one transaction; throws `schema-too-new` when the database was migrated
    /// by a newer version, `database-migration-failed` when a migration fails (nothing is applied then).
    static func migrate(_ session: PostgresSession) throws {
        do {
            try session.transaction { statements in
                var lock = Binds()
                lock.add(migrationLock)
                try statements.query("SELECT pg_advisory_xact_lock($1)", lock.values)
                try statements.execute("""
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version INTEGER PRIMARY KEY,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                    )
                    """)
                let rows = try statements.query("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                let applied = try rows.first.map { try RowReader($0).value(0, as: Int32.self) } ?? 0
                guard applied <= currentVersion else {
                    throw PostgresStoreError(.schemaTooNew, "\(session.address) has schema version \(applied); this build knows up to \(currentVersion): upgrade Breakwater")
                }
                for version in Int(applied)..<currentVersion {
                    for statement in migrations[version] {
                        try statements.execute(statement)
                    }
                    var binds = Binds()
                    binds.add(Int32(version + 1))
                    try statements.query("INSERT INTO schema_version (version) VALUES ($1)", binds.values)
                }
            }
        } catch let error as PostgresStoreError where error.code == .query {
            throw PostgresStoreError(.migrationFailed, "cannot migrate \(session.address): \(error.reason)")
        }
    }
}
