import ArgumentParser
import FirehoseAudit
import BreakwaterService
import FirehoseIngest
import Foundation

/// `breakwater audit compare A B`: two recordings of the same period from two relays, event by event.
struct AuditCompare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two recordings of relay traffic: missing, duplicated, reordered or differing events, seq gaps.",
        discussion: """
            Events are matched by account DID and rev (identity and account events by their body without seq), \
            never by seq. Exit status 0 whether or not the recordings differ (a difference is a result).
            """)

    @Argument(help: "Recording A (folder or frames.bin).")
    var a: String

    @Argument(help: "Recording B (folder or frames.bin).")
    var b: String

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    @Option(help: "Most entries printed per list (counts are always complete).")
    var limit: Int = 1000

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
    }

    func run() async throws {
        let pathA = RecordingLocation(path: a).frames.path
        let pathB = RecordingLocation(path: b).frames.path
        for path in [pathA, pathB] where !FileManager.default.fileExists(atPath: path) {
            throw OperationalError("file-not-found", "no recording at \(path)")
        }
        let comparison: RecordingComparison
        do {
            comparison = try RecordingComparison.compare(pathA, pathB)
        } catch {
            throw OperationalError("unreadable-recording", "\(error)")
        }
        if json {
            print(JSONOutput.string(CompareJSON.object(comparison, limit: limit)))
        } else {
            print(CompareJSON.text(comparison, limit: limit))
        }
    }
}
