import ATIdentity
import FirehosePostgres
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation

/// The two store backends the same store tests run against: SQLite on a temporary file, and PostgreSQL on a
/// throwaway database created on the server named by `BREAKWATER_TEST_POSTGRES` (Scripts/test.sh starts one).
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    var description: String { rawValue }

    /// The server for the PostgreSQL cases, when the environment names one.
    static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["BREAKWATER_TEST_POSTGRES"], !url.isEmpty else { return nil }
        return url
    }

    /// A scratch folder with a SQLite path and a fresh PostgreSQL database (removed afterwards); nil without a server.
    static func withSQLiteAndPostgres(_ test: String, _ body: (_ folder: URL, _ sqlite: String, _ postgres: String) throws -> Void) throws {
        guard let url = StoreBackend.postgresURL else {
            print("note: \(test) skipped: BREAKWATER_TEST_POSTGRES is unset (Scripts/test.sh sets it)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-both-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try PostgresAddress(parsing: url)
        var address = server
        address.database = "bw_both_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresAdministration.createDatabase(address.database, on: server)
        defer { try? PostgresAdministration.dropDatabase(address.database, on: server) }
        try body(folder, folder.appendingPathComponent("state.sqlite").path,
                 "postgres://\(address.user)@\(address.host):\(address.port)/\(address.database)")
    }

    /// Runs `body` with a fresh, empty database of this backend, removed afterwards. For PostgreSQL without
    /// `BREAKWATER_TEST_POSTGRES`, prints a note and runs nothing.
    func withFreshDatabase(_ test: String, _ body: (FreshDatabase) throws -> Void) throws {
        switch self {
        case .sqlite:
            try TemporaryDatabase.with(label: "bw-store") { path in
                try body(FreshDatabase(backend: self, address: path) { try OpenedStore(sqlite: SQLiteStateStore(path: path)) })
            }
        case .postgres:
            guard let url = Self.postgresURL else {
                print("note: \(test) [postgres] skipped: BREAKWATER_TEST_POSTGRES is unset (Scripts/test.sh sets it)")
                return
            }
            let server = try PostgresAddress(parsing: url)
            var address = server
            address.database = "bw_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try PostgresAdministration.createDatabase(address.database, on: server)
            defer { try? PostgresAdministration.dropDatabase(address.database, on: server) }
            let databaseURL = "postgres://\(address.user)@\(address.host):\(address.port)/\(address.database)"
            try body(FreshDatabase(backend: self, address: databaseURL) { try OpenedStore(postgres: PostgresStateStore(address: address)) })
        }
    }
}

/// One test's database: each ``open()`` opens it again (a new connection, migrations checked).
struct FreshDatabase {
    let backend: StoreBackend
    /// What `--db` takes for it: the SQLite path or the PostgreSQL URL.
    let address: String
    let open: () throws -> OpenedStore
}

/// A store opened on a test database, through its ports.
struct OpenedStore: Sendable {
    let state: any StateStore
    let reader: any StatusReader
    let leases: (any LeaseStore)?
    /// The schema version, where the backend numbers it (PostgreSQL).
    let schemaVersion: @Sendable () throws -> Int?
    /// The identity cache for look-ups through a PLC directory (nil: entries stored without one).
    let identities: @Sendable (String?) -> any IdentityCacheStore

    init(sqlite store: SQLiteStateStore) {
        state = store
        reader = store
        leases = (store as Any) as? any LeaseStore
        schemaVersion = { nil }
        identities = { directory in
            guard let directory else { return store.identities }
            return store.identities.cache(directory: directory)
        }
    }

    init(postgres store: PostgresStateStore) {
        state = store
        reader = store
        leases = store
        schemaVersion = { try store.schemaVersion() }
        identities = { store.identities(directory: $0) }
    }
}

/// Errors of either backend by their code.
func errorCode(_ error: any Error) -> String {
    if let error = error as? PostgresStoreError { return error.code.description }
    if let error = error as? StoreError { return error.code.description }
    return "\(error)"
}
