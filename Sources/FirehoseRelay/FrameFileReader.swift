import FirehoseSync
import Foundation

/// Reads a `frames.bin` (Docs/CONTRACT.md §2) frame by frame from any offset, in 1 MiB chunks through the decoder's
/// reused chunk, knowing the file offset of every frame (for seeking to a cursor). Memory is bounded by the largest
/// frame plus one chunk.
///
/// At the end of the file it reports nil but can be asked again: frames appended meanwhile are then read
/// (the server tails a recording that is still being written).
struct FrameFileReader {
    private let handle: FileHandle
    private var decoder = RecordingDecoder()
    /// File offset of the next frame's length prefix.
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
            let frame: [UInt8]?
            do {
                frame = try decoder.next()
            } catch {
                throw RelayError(.recordingUnreadable, "frame length \(decoder.nextFrameLength ?? 0) at offset \(offset) exceeds \(RecordingDecoder.maxFrameLength)")
            }
            if let frame {
                let frameOffset = offset
                offset += UInt64(4 + frame.count)
                return (frameOffset, frame)
            }
            let descriptor = handle.fileDescriptor
            let count = try decoder.append(readingUpTo: 1 << 20) { buffer in
                while true {
                    let count = read(descriptor, buffer.baseAddress, buffer.count)
                    if count >= 0 { return count }
                    if errno != EINTR { throw RelayError(.recordingUnreadable, "read failed at offset \(offset)") }
                }
            }
            if count == 0 { return nil }
        }
    }

    /// Bytes read past the last complete frame (a truncated tail, or a frame still being written).
    var pendingBytes: Int { decoder.pendingByteCount }

    func close() { try? handle.close() }
}
