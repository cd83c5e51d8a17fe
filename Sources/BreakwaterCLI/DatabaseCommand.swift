import ArgumentParser
import BreakwaterService

/// `breakwater db copy SRC DST` (``DatabaseCopy``): a SQLite database into an empty PostgreSQL one, counts checked.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "Database maintenance: copy a SQLite database into PostgreSQL.",
                                                    subcommands: [Copy.self])

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy a SQLite database (state, cursors, violations with frames, audit, mirrors, identity cache) into an empty PostgreSQL database and verify the counts.")
        @Argument(help: ArgumentHelp("The SQLite database file.", valueName: "src")) var source: String
        @Argument(help: ArgumentHelp("The PostgreSQL database: postgres://user[:password]@host[:port]/db[?sslmode=…].", valueName: "dst")) var destination: String
        func run() throws { print(DatabaseCopy.summary(try DatabaseCopy.copy(from: source, to: destination) { print(DatabaseCopy.line($0)) })) }
    }
}
