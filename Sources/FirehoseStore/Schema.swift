import GRDB

/// The versioned schema (CONTRACT.md §5). Migrations only ever append.
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
            // Identity cache (issue 02): resolved signing key and PDS per DID, or the failure.
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
            // Mirrored records (issue 07).
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
            // Mirrored accounts (issue 07): the collection filter ('' = all), the verified head (root, commit
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
        // Identity cache (issue 02): why a resolved document has no usable signing key
        // (`no-signing-key`, `unsupported-key-type`, …), as "code: reason"; `error` stays for failed
        // resolutions.
        migrator.registerMigration("v3-identity-key-error") { db in
            try db.execute(sql: "ALTER TABLE identities ADD COLUMN key_error TEXT")
        }
        return migrator
    }
}
