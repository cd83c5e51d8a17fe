import FirehosePostgres
import Testing

/// `--db postgres://…`: what the address parser accepts, what it refuses, and that the password never shows.
@Suite("PostgreSQL addresses")
struct PostgresAddressTests {
    struct Accepted: Sendable, CustomStringConvertible {
        let text: String
        let user: String, password: String?, host: String, port: Int, database: String, tls: PostgresAddress.TLSMode
        var description: String { text }
    }

    static let accepted: [Accepted] = [
        Accepted(text: "postgres://bw@db.example/state", user: "bw", password: nil, host: "db.example", port: 5432, database: "state", tls: .disable),
        Accepted(text: "postgresql://bw:s%40cret@10.0.0.5:6543/state?sslmode=require", user: "bw", password: "s@cret", host: "10.0.0.5",
                 port: 6543, database: "state", tls: .require),
        Accepted(text: "postgres://bw:p:w@[::1]:5433/st%20ate?sslmode=verify-full", user: "bw", password: "p:w", host: "::1", port: 5433,
                 database: "st ate", tls: .verifyFull),
        Accepted(text: "postgres://a@h/d?sslmode=disable", user: "a", password: nil, host: "h", port: 5432, database: "d", tls: .disable),
    ]

    static let refused: [String] = [
        "postgres://db.example/state",  // no user
        "postgres://bw@db.example",  // no database
        "postgres://bw@db.example:0/state",  // port out of range
        "postgres://bw@db.example:http/state",  // port not a number
        "postgres://bw@/state",  // no host
        "postgres://bw@h/d?sslmode=prefer",  // unsupported mode
        "postgres://bw@h/d?application_name=x",  // unsupported parameter
        "postgres://b%zzw@h/d",  // malformed escape
        "mysql://bw@h/d",
    ]

    @Test("every accepted form parses to its parts", arguments: accepted)
    func acceptedAddresses(_ case_: Accepted) throws {
        let address = try PostgresAddress(parsing: case_.text)
        #expect(address.user == case_.user && address.password == case_.password && address.host == case_.host)
        #expect(address.port == case_.port && address.database == case_.database && address.tls == case_.tls)
        if let password = case_.password { #expect(!address.description.contains(password)) }
        #expect(PostgresAddress.looksLikeAddress(case_.text))
    }

    @Test("malformed addresses are refused with postgres-invalid-address", arguments: refused)
    func refusedAddresses(_ text: String) {
        do {
            _ = try PostgresAddress(parsing: text)
            Issue.record("\(text) was accepted")
        } catch let error as PostgresStoreError {
            #expect(error.code == .invalidAddress)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
