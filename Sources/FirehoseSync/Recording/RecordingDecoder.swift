/// The recording codec of `frames.bin` (Docs/CONTRACT.md §2), the one place that knows its framing: each frame is a
/// 4-byte big-endian length followed by that many bytes. Feed bytes in chunks of any size; complete frames come
/// out in order (``encode(frame:)`` writes them).
///
/// Memory stays bounded by the largest frame plus one chunk. A length above ``maxFrameLength`` is refused
/// (the stream cannot be resynchronised after it); a stream that ends inside a length or a frame is truncated.
public struct RecordingDecoder: Sendable {
    /// The largest frame length accepted (the 5 MB frame limit plus slack for recording oddities).
    public static let maxFrameLength = 16 * 1024 * 1024

    private var buffer: [UInt8] = []
    private var start = 0
    /// The chunk ``append(readingUpTo:with:)`` reads into, kept across reads.
    private var chunk: [UInt8] = []

    /// Creates a decoder.
    public init() {}

    /// Appends bytes read from the recording.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Reads up to `count` bytes through a chunk the decoder keeps and reuses (no chunk is allocated per read) and
    /// appends them: `read` fills the buffer it is given and returns how many bytes it wrote (0 at the end of the
    /// input). Returns that count.
    public mutating func append(readingUpTo count: Int, with read: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Int {
        if chunk.count < count { chunk = [UInt8](repeating: 0, count: count) }
        let written = try chunk.withUnsafeMutableBytes { bytes in
            try read(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count]))
        }
        precondition(written >= 0 && written <= count, "a read reported \(written) bytes for a buffer of \(count)")
        append(chunk[0..<written])
        return written
    }

    /// Bytes appended and not yet returned as a frame (a frame still arriving, or a truncated tail).
    public var pendingByteCount: Int { buffer.count - start }

    /// The length prefix of the next frame, once its four bytes have arrived (before the frame itself has).
    public var nextFrameLength: Int? {
        guard buffer.count - start >= 4 else { return nil }
        return Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func next() throws(FirehoseSyncError) -> [UInt8]? {
        guard let length = nextFrameLength else { return nil }
        let available = buffer.count - start
        guard length <= RecordingDecoder.maxFrameLength else {
            throw FirehoseSyncError(.frameTooLarge, "recorded frame length \(length) exceeds \(RecordingDecoder.maxFrameLength)")
        }
        guard available - 4 >= length else { return nil }
        let frame = Array(buffer[(start + 4)..<(start + 4 + length)])
        start += 4 + length
        return frame
    }

    /// Call after the last byte: nil when the recording ended cleanly, else a description of the truncated tail.
    public func finish() -> FirehoseSyncError? {
        let leftover = buffer.count - start
        guard leftover > 0 else { return nil }
        if leftover < 4 {
            return FirehoseSyncError(.truncatedRecording, "recording ends inside a length prefix (\(leftover) stray bytes)")
        }
        return FirehoseSyncError(.truncatedRecording, "recording ends inside a frame (\(leftover - 4) of its bytes present)")
    }

    /// Encodes one frame with its length prefix.
    public static func encode(frame: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(frame.count + 4)
        let length = UInt32(frame.count)
        out.append(UInt8(truncatingIfNeeded: length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(contentsOf: frame)
        return out
    }
}
