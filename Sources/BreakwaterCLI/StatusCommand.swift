import ArgumentParser
import FirehoseStore
import FirehoseSync
import IPLD
import Foundation

/// `breakwater status`: cursors, accounts by state, outcome counts, recent violations (CONTRACT.md §1).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the database holds: cursors, accounts by state, outcomes, recent violations.")

    @Option(help: ArgumentHelp("SQLite database (default ./breakwater.sqlite). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    @Option(help: "Show one account's stored state and its last violations.")
    var did: String?

    @Option(help: "How many recent violations to show.")
    var limit: Int = 10

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let path = db ?? ProcessInfo.processInfo.environment["BREAKWATER_DB"] ?? "./breakwater.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            throw OperationalError("file-not-found", "no database at \(path)")
        }
        let store = try openStore(path)
        if let did {
            let state = try store.accounts([did])[did]
            let violations = try store.violations(did: did, sinceMicros: nil, limit: limit)
            if json {
                var object: [String: Any] = ["did": did, "violations": violations.map(StatusJSON.violation)]
                object["state"] = state.map(StatusJSON.account) ?? NSNull()
                print(JSONOutput.string(object))
            } else {
                guard let state else {
                    print("\(did): no stored state")
                    return
                }
                print("did        \(state.did)")
                print("rev        \(state.rev ?? "-")")
                print("data       \(state.data?.string ?? "-")")
                print("commit     \(state.commit?.string ?? "-")")
                print("active     \(state.active)\(state.status.map { " (\($0))" } ?? "")")
                print("sync       \(state.sync.rawValue)")
                print("last seq   \(state.lastSeq.map(String.init) ?? "-")")
                print("violations (\(violations.count))")
                for v in violations { print("  " + StatusJSON.violationLine(v)) }
            }
            return
        }
        let summary = try store.summary(recentViolations: limit)
        if json {
            print(JSONOutput.string(StatusJSON.summary(summary)))
            return
        }
        print("cursors")
        for (upstream, position) in summary.cursors.sorted(by: { $0.key < $1.key }) { print("  \(upstream)  \(position)") }
        print("accounts")
        for key in ["total", "active", "inactive", "synchronized", "desynchronized", "resyncing"] {
            print("  " + SummaryReport.pad(key, 20) + SummaryReport.leftPad("\(summary.accounts[key] ?? 0)", 12))
        }
        print("outcomes")
        for (key, count) in summary.outcomes.sorted(by: { $0.key < $1.key }) {
            print("  " + SummaryReport.pad(key, 40) + SummaryReport.leftPad("\(count)", 12))
        }
        print("hosts")
        for host in summary.hosts { print("  " + AuditText.hostLine(host)) }
        print("recent violations")
        for v in summary.recentViolations { print("  " + StatusJSON.violationLine(v)) }
    }
}

/// JSON shapes shared by `status --json` and the HTTP status API.
enum StatusJSON {
    static func account(_ state: AccountState) -> [String: Any] {
        [
            "did": state.did, "rev": state.rev ?? NSNull(), "data": state.data?.string ?? NSNull(),
            "commit": state.commit?.string ?? NSNull(), "active": state.active, "status": state.status ?? NSNull(),
            "sync": state.sync.rawValue, "lastSeq": state.lastSeq ?? NSNull(),
        ]
    }

    static func violation(_ recorded: RecordedOutcome) -> [String: Any] {
        let line = recorded.line
        return [
            "i": line.index, "seq": line.seq ?? NSNull(), "type": line.type.rawValue, "did": line.did ?? NSNull(),
            "rev": line.rev ?? NSNull(), "outcome": line.outcome.rawValue, "reason": line.reason?.rawValue ?? NSNull(),
            "detail": line.detail ?? NSNull(), "processedAt": recorded.processedAt,
            "frameBytes": recorded.frame?.count ?? 0,
        ]
    }

    static func violationLine(_ recorded: RecordedOutcome) -> String {
        let line = recorded.line
        return "seq \(line.seq.map(String.init) ?? "-")  \(line.did ?? "-")  \(line.outcome.rawValue)/\(line.reason?.rawValue ?? "-")  \(line.detail ?? "")"
    }

    static func summary(_ summary: StoreSummary) -> [String: Any] {
        [
            "cursors": summary.cursors, "accounts": summary.accounts, "outcomes": summary.outcomes,
            "recentViolations": summary.recentViolations.map(violation),
            "hosts": summary.hosts.map(AuditJSON.host),
        ]
    }
}
