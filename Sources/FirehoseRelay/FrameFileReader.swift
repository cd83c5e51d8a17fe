import FirehoseSync
import Foundation

/// Reads a `frames.bin` (CONTRACT.md §2) frame by frame from any offset, in 1 MiB chunks, knowing the file
/// offset of every frame (for seeking to a cursor). Memory is bounded by the largest frame plus one chunk.
///
/// At the end of the file it reports nil but can be asked again: frames appended meanwhile are then read
/// (the server tails a recording that is still being written).
struct FrameFileReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    /// File offset of `buffer[start]`.
    private(set) var offset: UInt64

    /// Opens `path` positioned at `offset`.
    init(path: String, offset: UInt64 = 0) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RelayError(.recordingUnreadable, "cannot open \(path)")
        }
        self.handle = handle
        self.offset = offset
        try handle.seek(toOffset: offset)
    }

    /// The next frame and its file offset, nil at the current end of the file. Throws on a length above
    /// ``RecordingDecoder/maxFrameLength`` (the file cannot be followed past it).
    mutating func next() throws -> (offset: UInt64, bytes: [UInt8])? {
        while true {
            let available = buffer.count - start
            if available >= 4 {
                let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
                guard length <= RecordingDecoder.maxFrameLength else {
                    throw RelayError(.recordingUnreadable, "frame length \(length) at offset \(offset) exceeds \(RecordingDecoder.maxFrameLength)")
                }
                if available - 4 >= length {
                    let frame = Array(buffer[(start + 4)..<(start + 4 + length)])
                    let frameOffset = offset
                    start += 4 + length
                    offset += UInt64(4 + length)
                    return (frameOffset, frame)
                }
            }
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { return nil }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer.append(contentsOf: chunk)
        }
    }

    /// Bytes read past the last complete frame (a truncated tail, or a frame still being written).
    var pendingBytes: Int { buffer.count - start }

    func close() { try? handle.close() }
}
