import BreakwaterService
import FirehoseStore
import FirehoseSync
import Foundation

/// `breakwater status --violation SEQ [--frame OUT.bin] [--json]`: one stored violation, and the frame bytes the
/// database kept for it (rejected events keep theirs), written exactly as received so that `inspect frame OUT.bin`
/// or a bug report can use them.
struct ViolationEvidence {
    let store: SQLiteStateStore
    let seq: Int64

    func run(frame output: String?, json: Bool) throws {
        let recorded: RecordedOutcome?
        do {
            recorded = try store.violation(seq: seq)
        } catch let error as StoreError {
            throw OperationalError(error.code.description, error.reason)
        }
        guard let recorded else {
            throw OperationalError("no-such-violation", "the database holds no violation for seq \(seq)")
        }
        if let output {
            guard let bytes = recorded.frame else {
                throw OperationalError("no-frame", "the violation of seq \(seq) is \(recorded.line.outcome.rawValue); only rejected events keep their frame bytes")
            }
            if output == "-" {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output))
            } catch {
                throw OperationalError("unwritable-file", "cannot write \(output): \(error.localizedDescription)")
            }
            if !json {
                print(StatusJSON.violationLine(recorded))
                print("wrote \(bytes.count) bytes to \(output)")
                return
            }
        }
        if json {
            print(JSONOutput.string(StatusJSON.violation(recorded)))
        } else {
            print(StatusJSON.violationLine(recorded))
        }
    }
}
