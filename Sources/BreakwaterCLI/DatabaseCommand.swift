import ArgumentParser
import BreakwaterService
import Foundation

/// `breakwater db`: database maintenance across backends.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Database maintenance: copy a SQLite database into PostgreSQL.",
        subcommands: [DatabaseCopyCommand.self])
}

/// `breakwater db copy SRC DST`: a SQLite database into an empty PostgreSQL database, with the row counts of both
/// sides printed table by table and checked equal (`copy-mismatch` otherwise).
struct DatabaseCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a SQLite database (state, cursors, violations with frames, audit, mirrors, identity cache) into an empty PostgreSQL database and verify the counts.")

    @Argument(help: ArgumentHelp("The SQLite database file.", valueName: "src"))
    var source: String

    @Argument(help: ArgumentHelp("The PostgreSQL database: postgres://user[:password]@host[:port]/db[?sslmode=…].", valueName: "dst"))
    var destination: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw OperationalError("file-not-found", "no database at \(source)")
        }
        let counts = try DatabaseCopy.copy(from: source, to: destination) { count in
            print("\(count.table.padding(toLength: 20, withPad: " ", startingAt: 0)) \(count.source) rows, \(count.copied) copied")
        }
        print("copied \(counts.reduce(0) { $0 + $1.copied }) rows in \(counts.count) tables; every count matches")
    }
}
