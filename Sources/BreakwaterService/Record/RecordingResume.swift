import FirehoseIngest
import Foundation

/// Where `record` resumes an existing recording: an incomplete last frame (a crash) is trimmed, then the cursor is
/// the one given, else the highest seq already recorded (nil for a new recording: the relay's live end).
package struct RecordingResume {
    /// The cursor to subscribe from.
    package let cursor: Int64?
    /// What was found and done, for the user.
    package let notes: [String]

    /// Inspects (and if needed trims) the recording in `folder`; `cursor` is the one given on the command line.
    /// Throws `unreadable-file`, or the trim's code.
    package init(folder: String, cursor: Int64?) throws {
        var notes: [String] = []
        let frames = URL(fileURLWithPath: folder).appendingPathComponent("frames.bin").path
        let tail: RecordingTail?
        do { tail = try RecordingTail.read(path: frames) } catch {
            throw ServiceError("unreadable-file", "cannot read \(frames): \(error)")
        }
        guard let tail, tail.fileBytes > 0 else {
            self.cursor = cursor
            self.notes = notes
            return
        }
        if tail.isTruncated {
            do { try tail.trim(path: frames) } catch let error as IngestError {
                throw ServiceError(error.code.description, error.reason)
            }
            notes.append("\(frames) ended inside a frame; trimmed \(tail.fileBytes - tail.completeBytes) bytes after its last complete frame")
        }
        let held = "\(frames) holds \(tail.frames) frames" + (tail.lastSeq.map { " up to seq \($0)" } ?? "")
        if let cursor = cursor {
            notes.append("\(held); appending from --cursor \(cursor)")
            self.cursor = cursor
            self.notes = notes
            return
        }
        guard let lastSeq = tail.lastSeq else {
            notes.append("\(held) without a seq; appending from the relay's live end")
            self.cursor = nil
            self.notes = notes
            return
        }
        notes.append("\(held); resuming after seq \(lastSeq)")
        self.cursor = lastSeq
        self.notes = notes
    }
}
