import FirehoseSync
import Foundation

/// Where an existing recording ends, so that `record` into its folder continues it: the frames it holds, the
/// highest seq among them (the cursor to resume after) and the bytes of its complete frames (a file cut inside a
/// frame, by a crash or a full disk, is trimmed back to them before appending, else every later frame would be
/// misread).
public struct RecordingTail: Sendable, Hashable {
    /// Complete frames in the file.
    public var frames = 0
    /// The highest valid seq among them (nil when none has one).
    public var lastSeq: Int64?
    /// The length of the complete frames, in bytes.
    public var completeBytes: UInt64 = 0
    /// The file's length, in bytes (more than ``completeBytes`` when it ends inside a frame).
    public var fileBytes: UInt64 = 0

    /// True when the file ends inside a frame.
    public var isTruncated: Bool { fileBytes > completeBytes }

    /// Reads the recording at `path` (a `frames.bin`); nil when there is no such file.
    public static func read(path: String) throws -> RecordingTail? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var tail = RecordingTail()
        var iterator = try RecordingFrames.SyncIterator(path: path)
        while let frame = try? iterator.next() {
            tail.frames += 1
            tail.completeBytes += UInt64(4 + frame.count)
            if let seq = FramePeek(frame).seq { tail.lastSeq = max(tail.lastSeq ?? seq, seq) }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        tail.fileBytes = (attributes[.size] as? NSNumber)?.uint64Value ?? tail.completeBytes
        return tail
    }

    /// Cuts the file at `path` back to its complete frames.
    public func trim(path: String) throws {
        guard isTruncated else { return }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw IngestError(.cannotWrite, "cannot open \(path) to trim its incomplete last frame")
        }
        defer { try? handle.close() }
        do { try handle.truncate(atOffset: completeBytes) } catch {
            throw IngestError(.cannotWrite, "cannot trim \(path): \(error.localizedDescription)")
        }
    }
}
