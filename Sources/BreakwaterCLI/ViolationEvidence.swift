import BreakwaterService
import FirehoseStore
import FirehoseSync
import Foundation

/// `breakwater status --violation SEQ [--frame OUT.bin] [--json]`: one stored violation, and the frame bytes the
/// database kept for it (rejected events keep theirs), written exactly as received so that `inspect frame OUT.bin`
/// or a bug report can use them.
struct ViolationEvidence {
    let store: any StatusReader
    let seq: Int64

    func run(frame output: String?, json: Bool) throws {
        let recorded = try ViolationLookup.violation(seq: seq, in: store)
        if let output {
            let bytes = try ViolationLookup.frame(of: recorded, seq: seq)
            if output == "-" {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            try ViolationLookup.write(bytes, to: output)
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
