import FirehoseSync
import Foundation

/// What the server knows about the recording it serves: found by one streaming pass at start-up (memory does
/// not grow with the recording).
struct RecordingIndex: Sendable {
    /// Frames in the file.
    var frames: Int
    /// The highest seq in the file (nil: no frame carries one).
    var lastSeq: Int64?
    /// Bytes after the last complete frame.
    var truncatedBytes: Int

    /// Scans `path`.
    static func scan(path: String) throws -> RecordingIndex {
        var reader = try FrameFileReader(path: path)
        defer { reader.close() }
        var frames = 0
        var lastSeq: Int64?
        while let (_, bytes) = try reader.next() {
            frames += 1
            if let seq = FramePeek(bytes).seq { lastSeq = max(lastSeq ?? seq, seq) }
        }
        return RecordingIndex(frames: frames, lastSeq: lastSeq, truncatedBytes: reader.pendingBytes)
    }

    /// The file offset to stream from for a connection with `cursor` (Docs/SPEC.md §2: events with seq > cursor):
    /// just after the last frame with seq ≤ cursor that precedes the first frame with seq > cursor, so frames
    /// without a seq that follow the cursor's frame are sent again rather than lost.
    static func startOffset(path: String, cursor: Int64, inclusive: Bool = false) throws -> UInt64 {
        var reader = try FrameFileReader(path: path)
        defer { reader.close() }
        var start: UInt64 = 0
        while let (offset, bytes) = try reader.next() {
            guard let seq = FramePeek(bytes).seq else { continue }
            if seq > cursor || (inclusive && seq == cursor) { return start }
            start = offset + UInt64(4 + bytes.count)
        }
        return start
    }
}
