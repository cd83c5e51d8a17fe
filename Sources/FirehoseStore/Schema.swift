import GRDB

/// The versioned schema (Docs/CONTRACT.md §5). Migrations only ever append.
enum Schema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            // Cursor per upstream: the highest position below which every event is reflected in the state.
            try db.execute(sql: """
                CREATE TABLE cursors (
                    upstream TEXT PRIMARY KEY NOT NULL,
                    position INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
            // Per-account chain state and counters. CIDs are stored in their 36-byte binary form.
            try db.execute(sql: """
                CREATE TABLE accounts (
                    did TEXT PRIMARY KEY NOT NULL,
                    rev TEXT,
                    data BLOB,
                    commit_cid BLOB,
                    active INTEGER NOT NULL DEFAULT 1,
                    status TEXT,
                    sync_state INTEGER NOT NULL DEFAULT 0,
                    last_seq INTEGER,
                    n_verified INTEGER NOT NULL DEFAULT 0,
                    n_applied INTEGER NOT NULL DEFAULT 0,
                    n_rejected INTEGER NOT NULL DEFAULT 0,
                    n_desynchronized INTEGER NOT NULL DEFAULT 0,
                    n_ignored INTEGER NOT NULL DEFAULT 0,
                    n_unverifiable INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                """)
            // Totals by outcome and reason ('' for no reason).
            try db.execute(sql: """
                CREATE TABLE outcome_counts (
                    outcome TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (outcome, reason)
                ) WITHOUT ROWID;
                """)
            // Every non-verified, non-applied outcome, with the frame bytes of rejected ones.
            try db.execute(sql: """
                CREATE TABLE violations (
                    id INTEGER PRIMARY KEY,
                    frame_index INTEGER NOT NULL,
                    seq INTEGER,
                    type TEXT NOT NULL,
                    did TEXT,
                    rev TEXT,
                    outcome TEXT NOT NULL,
                    reason TEXT,
                    detail TEXT,
                    processed_at INTEGER NOT NULL,
                    frame BLOB
                );
                CREATE INDEX violations_by_did ON violations (did, id);
                """)
            // Identity cache: resolved signing key and PDS per DID, or the failure.
            try db.execute(sql: """
                CREATE TABLE identities (
                    did TEXT PRIMARY KEY NOT NULL,
                    signing_key TEXT,
                    pds TEXT,
                    handle TEXT,
                    error TEXT,
                    fetched_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
            // Mirrored records.
            try db.execute(sql: """
                CREATE TABLE records (
                    did TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    rkey TEXT NOT NULL,
                    cid BLOB NOT NULL,
                    bytes BLOB NOT NULL,
                    PRIMARY KEY (did, collection, rkey)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-mirrors") { db in
            // Mirrored accounts: the collection filter ('' = all), the verified head (root, commit
            // CID, exact commit block, rev; NULL until the first import or genesis commit), and why the mirror
            // needs a resync (NULL while it follows the stream).
            try db.execute(sql: """
                CREATE TABLE mirrors (
                    did TEXT PRIMARY KEY NOT NULL,
                    collections TEXT NOT NULL DEFAULT '',
                    data BLOB,
                    commit_cid BLOB,
                    commit_bytes BLOB,
                    rev TEXT,
                    stale TEXT,
                    added_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // Identity cache: why a resolved document has no usable signing key
        // (`no-signing-key`, `unsupported-key-type`, …), as "code: reason"; `error` stays for failed
        // resolutions.
        migrator.registerMigration("v3-identity-key-error") { db in
            try db.execute(sql: "ALTER TABLE identities ADD COLUMN key_error TEXT")
        }
        // Audit: outcome counts per PDS host and UTC day of receipt, per minute of receipt, resyncs
        // per host and day (counted by triggers on the account's sync state, whatever path changes it), the PDS
        // host of each account, and relay health per upstream (gaps, duplicates, reconnects, lag buckets).
        migrator.registerMigration("v4-audit") { db in
            try db.execute(sql: """
                ALTER TABLE accounts ADD COLUMN pds_host TEXT;
                CREATE TABLE audit_host_days (
                    host TEXT NOT NULL,
                    day TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (host, day, outcome, reason)
                ) WITHOUT ROWID;
                CREATE TABLE audit_minutes (
                    minute INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (minute, outcome)
                ) WITHOUT ROWID;
                CREATE TABLE audit_resyncs (
                    host TEXT NOT NULL,
                    day TEXT NOT NULL,
                    started INTEGER NOT NULL DEFAULT 0,
                    completed INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (host, day)
                ) WITHOUT ROWID;
                CREATE TABLE relay_health (
                    upstream TEXT PRIMARY KEY NOT NULL,
                    frames INTEGER NOT NULL DEFAULT 0,
                    gaps INTEGER NOT NULL DEFAULT 0,
                    missing_seqs INTEGER NOT NULL DEFAULT 0,
                    duplicates INTEGER NOT NULL DEFAULT 0,
                    reconnects INTEGER NOT NULL DEFAULT 0,
                    lag_count INTEGER NOT NULL DEFAULT 0,
                    lag_sum_ms INTEGER NOT NULL DEFAULT 0,
                    lag_max_ms INTEGER NOT NULL DEFAULT 0,
                    lag_buckets TEXT NOT NULL DEFAULT '0,0,0,0,0,0',
                    first_seen INTEGER,
                    last_seen INTEGER,
                    last_seq INTEGER
                ) WITHOUT ROWID;
                CREATE TRIGGER audit_resync_started AFTER UPDATE OF sync_state ON accounts
                WHEN NEW.sync_state = 2 AND OLD.sync_state != 2
                BEGIN
                    INSERT INTO audit_resyncs (host, day, started) VALUES (COALESCE(NEW.pds_host, 'unknown'), date('now'), 1)
                    ON CONFLICT(host, day) DO UPDATE SET started = started + 1;
                END;
                CREATE TRIGGER audit_resync_completed AFTER UPDATE OF sync_state ON accounts
                WHEN NEW.sync_state = 0 AND OLD.sync_state != 0
                BEGIN
                    INSERT INTO audit_resyncs (host, day, completed) VALUES (COALESCE(NEW.pds_host, 'unknown'), date('now'), 1)
                    ON CONFLICT(host, day) DO UPDATE SET completed = completed + 1;
                END;
                """)
        }
        // Resyncs are counted from the events (`AuditTally.resyncs`): a batch stores only each account's final state,
        // so triggers on `sync_state` missed a resync that started and ended within one batch.
        migrator.registerMigration("v5-audit-resync-counts") { db in
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS audit_resync_started;
                DROP TRIGGER IF EXISTS audit_resync_completed;
                """)
        }
        // Conformance warnings per PDS host and UTC day, and live events older than a day counted apart
        // from the lag figures (a served recording or a backfill).
        migrator.registerMigration("v6-audit-warnings") { db in
            try db.execute(sql: """
                CREATE TABLE audit_host_warnings (
                    host TEXT NOT NULL,
                    day TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (host, day, kind)
                ) WITHOUT ROWID;
                ALTER TABLE relay_health ADD COLUMN backfill_events INTEGER NOT NULL DEFAULT 0;
                """)
        }
        // A cached did:plc look-up belongs to the PLC directory that answered it.
        migrator.registerMigration("v6-identity-directory") { db in
            try db.execute(sql: "ALTER TABLE identities ADD COLUMN directory TEXT")
        }
        // The start of each cursor's rate window (position and time), for the rate `status` shows.
        migrator.registerMigration("v7-cursor-rate-window") { db in
            try db.execute(sql: "ALTER TABLE cursors ADD COLUMN window_position INTEGER")
            try db.execute(sql: "ALTER TABLE cursors ADD COLUMN window_at INTEGER")
        }
        return migrator
    }
}
