import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Foundation

/// One connection to the PostgreSQL server, used synchronously: the store ports are synchronous, so each call
/// sends its statements and blocks the calling thread until the answers arrive. The connection runs on an event
/// loop of its own (one thread, owned by the session) and is never waited on from that loop. Calls are
/// serialised; a connection the server dropped is opened again by the next call (not inside a transaction).
///
/// `@unchecked Sendable`: the one mutable property, `connection`, is only touched while holding `lock`.
final class PostgresSession: @unchecked Sendable {
    let address: PostgresAddress
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?

    /// How long the server lets a session sit idle inside a transaction before ending it.
    static let idleInTransactionTimeout = "2s"

    /// Connects; throws `postgres-unreachable`, `postgres-auth` or `postgres-tls`.
    init(address: PostgresAddress) throws {
        self.address = address
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        logger = Logger(label: "breakwater.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            connection = try Self.connect(address: address, group: group, logger: logger)
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    deinit {
        _ = try? connection?.close().wait()
        try? group.syncShutdownGracefully()
    }

    private static func connect(address: PostgresAddress, group: MultiThreadedEventLoopGroup, logger: Logger) throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS
        switch address.tls {
        case .disable:
            tls = .disable
        case .require, .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            if address.tls == .require { configuration.certificateVerification = .none }
            do {
                tls = .require(try NIOSSLContext(configuration: configuration))
            } catch {
                throw PostgresStoreError(.tls, "cannot set up TLS for \(address): \(error)")
            }
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger).wait()
        } catch {
            throw Self.mapped(error, address: address, connecting: true)
        }
        // A process paused inside a transaction (SIGSTOP, a stalled machine) would hold the lease row locked by its
        // fence and block the standby's takeover; the server ends such a session after this idle time instead.
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: "SET idle_in_transaction_session_timeout = '\(idleInTransactionTimeout)'"),
                                     logger: logger).wait()
        } catch {
            _ = try? connection.close().wait()
            throw Self.mapped(error, address: address, connecting: true)
        }
        return connection
    }

    /// The connection, opened again when the server dropped it. Called with `lock` held.
    private func live() throws -> PostgresConnection {
        if let open = connection, !open.isClosed { return open }
        let opened = try Self.connect(address: address, group: group, logger: logger)
        connection = opened
        return opened
    }

    /// Runs `body` with the connection, holding it for the whole call.
    @discardableResult
    func withConnection<T>(_ body: (Statements) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(Statements(connection: try live(), logger: logger, address: address))
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    func transaction<T>(_ body: (Statements) throws -> T) throws -> T {
        try withConnection { statements in
            try statements.execute("BEGIN")
            do {
                let result = try body(statements)
                try statements.execute("COMMIT")
                return result
            } catch {
                _ = try? statements.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// An error of postgres-nio as a ``PostgresStoreError``.
    static func mapped(_ error: any Error, address: PostgresAddress, connecting: Bool = false) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        guard let psql = error as? PSQLError else {
            return PostgresStoreError(connecting ? .unreachable : .query, "\(address): \(error)")
        }
        if let state = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? "server error"
            if state == "28P01" || state == "28000" {
                return PostgresStoreError(.auth, "\(address) refused the credentials: \(message)")
            }
            if state == PostgresSchema.leaseLostState {
                return PostgresStoreError(.leaseLost, message)
            }
            if state == "25P03" || state.hasPrefix("57P") || state.hasPrefix("08") {
                return PostgresStoreError(.unreachable, "\(address) ended the session: \(message) (SQLSTATE \(state))")
            }
            if state == "3D000" {
                return PostgresStoreError(.unreachable, "\(address): \(message)")
            }
            return PostgresStoreError(.query, "\(address): \(message) (SQLSTATE \(state))")
        }
        switch psql.code {
        case .sslUnsupported, .failedToAddSSLHandler:
            return PostgresStoreError(.tls, "\(address) does not accept TLS: \(psql.code)")
        default:
            let detail = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
            return PostgresStoreError(.unreachable, "cannot reach \(address): \(detail)")
        }
    }
}

/// Statements on one held connection. Each call blocks until the server answered.
struct Statements {
    let connection: PostgresConnection
    let logger: Logger
    let address: PostgresAddress

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> [PostgresRow] {
        do {
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait().rows
        } catch {
            throw PostgresSession.mapped(error, address: address)
        }
    }

    /// Runs one statement without parameters, ignoring rows.
    func execute(_ sql: String) throws {
        try query(sql)
    }

    /// Sends every statement without waiting for the previous answer, then waits for all of them (one round
    /// trip for the lot); the first failure is thrown after all have answered.
    func pipeline(_ queries: [(String, PostgresBindings)]) throws {
        let futures: [EventLoopFuture<PostgresQueryResult>] = queries.map { sql, binds in
            connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
        var failure: (any Error)? = nil
        for future in futures {
            do { _ = try future.wait() } catch { if failure == nil { failure = error } }
        }
        if let failure { throw PostgresSession.mapped(failure, address: address) }
    }
}

/// Typed access to the columns of a row by position; a value of the wrong type is `database-corrupt-row`.
struct RowReader {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func value<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        do { return try row[index].decode(T.self) } catch {
            throw PostgresStoreError(.corruptRow, "column \(index) does not hold a \(T.self): \(error)")
        }
    }

    func bytes(_ index: Int) throws -> [UInt8]? {
        guard let buffer = try value(index, as: ByteBuffer?.self) else { return nil }
        return Array(buffer.readableBytesView)
    }
}

/// Builds a parameter list.
struct Binds {
    var values = PostgresBindings()

    init() {}

    mutating func add<T: PostgresNonThrowingEncodable>(_ value: T?) { values.append(value) }
    /// Text, with U+0000 stored as U+FFFD (``PostgresText``).
    mutating func add(_ text: String?) { values.append(text.map(PostgresText.storable)) }
    mutating func add(bytes: [UInt8]?) { values.append(bytes.map { ByteBuffer(bytes: $0) }) }
}
