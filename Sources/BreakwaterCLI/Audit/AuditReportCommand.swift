import ArgumentParser
import BreakwaterService
import FirehoseStore
import FirehoseSync
import Foundation

/// `breakwater audit report`: the per-PDS-host scorecard from the database, as text, JSON or one HTML file.
struct AuditReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Per-PDS-host scorecard from the database (text, --json, or a self-contained --html file).")

    @Option(help: ArgumentHelp("SQLite database (default ./breakwater.sqlite). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report to this file. Env: BREAKWATER_HTML.", valueName: "out.html"))
    var html: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "How many accounts to list in the most-violations table.")
    var accounts: Int = 25

    func validate() throws {
        guard accounts >= 0 else { throw ValidationError("--accounts must not be negative") }
    }

    func run() async throws {
        let path = EnvironmentOption.value(db, env: "BREAKWATER_DB", default: "./breakwater.sqlite")
        let htmlPath = EnvironmentOption.value(html, env: "BREAKWATER_HTML")
        let data = try StoreFactory.readOnly(path).reader.auditReport(topAccounts: accounts)
        let now = Date()
        if let out = htmlPath {
            try AuditHTML.write(data, generatedAt: now, to: out)
            if !json { print("wrote \(out)") }
        }
        if json {
            print(JSONOutput.string(AuditJSON.report(data, generatedAt: now)))
        } else if htmlPath == nil {
            print(AuditText.render(data))
        }
    }
}
