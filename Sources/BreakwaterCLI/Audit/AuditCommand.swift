import ArgumentParser

/// `breakwater audit`: per-PDS-host scorecards and relay cross-checks (Docs/CONTRACT.md §1).
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit relay traffic: per-host scorecard from the database, or compare two recordings.",
        subcommands: [AuditReport.self, AuditCompare.self]
    )
}
