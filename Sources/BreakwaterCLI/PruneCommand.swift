import FirehoseSync
import ArgumentParser
import BreakwaterService
import FirehoseStore
import Foundation

/// `breakwater prune --older-than DAYS`: retention. Deletes the violations (with their stored frame bytes)
/// processed more than DAYS ago and the per-minute audit rows older than that; totals (outcome counts, per-account
/// and per-host counts) are kept. A writing command: it takes the database writer lock, so it is refused with
/// `database-locked` while `consume` runs on the same database.
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete violations (with their frames) and per-minute audit rows older than some days.")

    @Option(help: ArgumentHelp("Delete what is older than this many days (fractions allowed; 0: everything up to now).", valueName: "days"))
    var olderThan: Double

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard olderThan >= 0, olderThan.isFinite else { throw ValidationError("--older-than must be a number of days, at least 0") }
    }

    func run() throws {
        let store = try StoreFactory.existingWritable(database.path)
        let now = WallClock.nowMicros()
        let cutoff = now - Int64(olderThan * 86_400 * 1_000_000)
        let result = try store.retention.prune(before: cutoff)
        if json {
            print(JSONOutput.string(["violations": result.violations, "auditMinutes": result.auditMinutes, "before": cutoff] as [String: Any]))
        } else {
            print("deleted \(result.violations) violations and \(result.auditMinutes) per-minute audit rows older than \(olderThan) days")
        }
    }
}
