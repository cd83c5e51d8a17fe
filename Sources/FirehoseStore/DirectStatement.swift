import GRDB
import GRDBSQLite

/// A prepared statement of the batch write driven through the SQLite C API: values bound with `sqlite3_bind_*` and
/// stepped directly, with no `StatementArguments` or `DatabaseValue` built per row.
///
/// It wraps a statement GRDB prepared and caches for the connection's life (`Database.cachedStatement(sql:)`), so the
/// statement is compiled once per store. Text is copied into the caller's ``BindingScratch`` and bound as
/// `SQLITE_STATIC` when one is given, else bound as `SQLITE_TRANSIENT` (SQLite copies it: a Swift string's pointer lives
/// only for the call); blobs are bound as `SQLITE_STATIC` over a buffer the caller keeps alive until
/// ``step()`` returns, and ``step()`` clears every binding before it returns, so no pointer outlives its buffer.
/// A failure throws GRDB's `DatabaseError` with SQLite's code, so the store's mapping of a full disk or a damaged
/// file applies unchanged.
struct DirectStatement {
    /// GRDB's statement (kept so the handle stays valid while this value lives).
    private let statement: Statement
    /// The SQLite handle of ``statement``.
    private let handle: OpaquePointer
    /// Where bound text waits for the step, when given.
    private let scratch: BindingScratch?

    /// Drives `statement`, a statement prepared on the connection that runs the write; text is held in `scratch`
    /// until each step when one is given (statements sharing a scratch must be stepped one row at a time).
    init(scratch: BindingScratch? = nil, _ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        self.scratch = scratch
    }

    /// Binds an integer, or NULL, to the 1-based parameter `index`.
    func bind(_ index: Int32, _ value: Int64?) throws {
        guard let value else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds an integer, or NULL, to the 1-based parameter `index`.
    func bind(_ index: Int32, _ value: Int?) throws {
        try bind(index, value.map(Int64.init))
    }

    /// Binds a boolean as 0 or 1 (GRDB's storage of `Bool`) to the 1-based parameter `index`.
    func bind(_ index: Int32, _ value: Bool) throws {
        try check(sqlite3_bind_int64(handle, index, value ? 1 : 0))
    }

    /// Binds UTF-8 text, or NULL, to the 1-based parameter `index`: held in the scratch until the step, or (without a
    /// scratch, or when it is full) copied by SQLite.
    func bind(_ index: Int32, _ text: String?) throws {
        guard var text else { return try check(sqlite3_bind_null(handle, index)) }
        let code = text.withUTF8 { utf8 -> Int32 in
            // An empty string is bound as empty text, never as NULL (which a missing address would mean).
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text64(handle, index, "", 0, DirectStatement.transient, UInt8(SQLITE_UTF8))
            }
            if let held = scratch?.hold(UnsafeRawBufferPointer(utf8)) {
                return sqlite3_bind_text64(handle, index, held.assumingMemoryBound(to: CChar.self), sqlite3_uint64(utf8.count), nil,
                                           UInt8(SQLITE_UTF8))
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { characters in
                sqlite3_bind_text64(handle, index, characters, sqlite3_uint64(utf8.count), DirectStatement.transient, UInt8(SQLITE_UTF8))
            }
        }
        try check(code)
    }

    /// Binds the bytes of `blob`, or NULL, to the 1-based parameter `index` without copying them: `blob` must stay
    /// valid until ``step()`` returns. An empty buffer without an address binds NULL, as GRDB binds empty data.
    func bind(_ index: Int32, blob: UnsafeRawBufferPointer?) throws {
        guard let blob else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_blob64(handle, index, blob.baseAddress, sqlite3_uint64(blob.count), nil))
    }

    /// Runs the statement to completion with the values bound, then resets it and clears its bindings.
    func step() throws {
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        let failure = code == SQLITE_DONE ? nil : error(code)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        scratch?.empty()
        if let failure { throw failure }
    }

    /// Throws the connection's error when `code` is not `SQLITE_OK`.
    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        let failure = error(code)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        scratch?.empty()
        throw failure
    }

    /// GRDB's error for `code`, with the connection's message and the statement's SQL.
    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// SQLite's `SQLITE_TRANSIENT` destructor: copy the value before the bind returns.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }
}
