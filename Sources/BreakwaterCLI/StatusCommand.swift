import ArgumentParser
import ATSyntax
import BreakwaterService
import FirehoseStore
import FirehoseSync
import IPLD
import Foundation

/// `breakwater status`: cursors, accounts by state, outcome counts, recent violations (Docs/CONTRACT.md §1).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the database holds: cursors, accounts by state, outcomes, recent violations.")

    @Option(help: ArgumentHelp("SQLite database (default ./breakwater.sqlite). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    @Option(help: "Show one account's stored state and its last violations.")
    var did: String?

    @Option(help: ArgumentHelp("Show the violation recorded for this relay seq (the most recent when several).", valueName: "seq"))
    var violation: Int64?

    @Option(help: ArgumentHelp("With --violation: write the stored frame bytes of that violation to this file (- for standard output). Env: BREAKWATER_FRAME.", valueName: "out.bin"))
    var frame: String?

    @Option(help: "How many recent violations to show.")
    var limit: Int = 10

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if frame != nil && violation == nil { throw UsageError("--frame needs --violation SEQ") }
        if violation != nil && did != nil { throw UsageError("give either --did or --violation") }
        if let did, (try? DID(did)) == nil { throw ValidationError("--did \(did) is not a DID") }
    }

    func run() async throws {
        let path = EnvironmentOption.value(db, env: "BREAKWATER_DB", default: "./breakwater.sqlite")
        let opened = try StoreFactory.readOnly(path)
        let store = opened.reader
        if let violation {
            try ViolationEvidence(store: store, seq: violation).run(frame: EnvironmentOption.value(frame, env: "BREAKWATER_FRAME"), json: json)
            return
        }
        if let did {
            if json {
                let document = try StatusJSON.repoDocument(store: store, did: did, limit: limit)
                print(document.text)
                if !document.known { throw Self.unknown(did) }
            } else {
                let state = try store.accounts([did])[did]
                let violations = try store.violations(did: did, sinceMicros: nil, limit: limit)
                guard let state else {
                    guard !violations.isEmpty else { throw Self.unknown(did) }
                    print(StatusText.unknownAccount(did, violations: violations))
                    return
                }
                print(StatusText.account(state, violations: violations))
            }
            return
        }
        if json {
            print(try StatusJSON.statusDocument(store: store, leases: opened.leases, limit: limit))
            return
        }
        print(StatusText.summary(try store.summary(recentViolations: limit)))
        if let leases = try opened.leases?.leases(), !leases.isEmpty { print(StatusText.leases(leases, nowMicros: WallClock.nowMicros())) }
    }

    /// `unknown-did`: the database knows nothing of `did`.
    static func unknown(_ did: String) -> OperationalError {
        OperationalError("unknown-did", "the database holds no state and no violations for \(did)")
    }
}
