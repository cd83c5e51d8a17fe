public import FirehoseSync
import Foundation
import Synchronization

/// The frames of a recording file as an async sequence, read in 1 MiB chunks through the decoder's reused chunk
/// (memory stays bounded by the largest frame), starting after the frame at `skipThrough` (a resumed cursor).
///
/// A truncated tail is not an error of the sequence: the frames before it are delivered and
/// ``truncation`` describes the tail afterwards (Docs/CONTRACT.md §2).
public final class RecordingFrames: AsyncSequence, Sendable {
    /// Frames with their index in the recording.
    public typealias Element = IncomingFrame

    let path: String
    let skipThrough: Int
    private let truncationBox = Mutex<FirehoseSyncError?>(nil)

    /// Opens nothing yet; the file is read when iterated.
    public init(path: String, skipThrough: Int = -1) {
        self.path = path
        self.skipThrough = skipThrough
    }

    /// Set after iteration when the recording ended inside a frame.
    public var truncation: FirehoseSyncError? { truncationBox.withLock { $0 } }

    /// Counts the frames of a recording without decoding them.
    public static func count(path: String) throws -> Int {
        var iterator = try SyncIterator(path: path)
        var n = 0
        while try iterator.next() != nil { n += 1 }
        return n
    }

    /// An iterator from the first frame after `skipThrough`.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(owner: self)
    }

    /// Iterates frames.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let owner: RecordingFrames
        var inner: SyncIterator?
        var index = 0
        var failed = false

        init(owner: RecordingFrames) { self.owner = owner }

        /// The next frame, nil at the end (a truncated tail ends the sequence; see ``RecordingFrames/truncation``).
        public mutating func next() async throws -> IncomingFrame? {
            if inner == nil && !failed {
                do { inner = try SyncIterator(path: owner.path) } catch { failed = true; throw error }
            }
            guard var reader = inner else { return nil }
            defer { inner = reader }
            while let bytes = try reader.next() {
                let current = index
                index += 1
                if current <= owner.skipThrough { continue }
                return IncomingFrame(index: current, bytes: bytes, cursorPosition: Int64(current))
            }
            if let truncation = reader.decoder.finish() { owner.truncationBox.withLock { $0 = truncation } }
            return nil
        }
    }

    /// Synchronous chunked reader.
    public struct SyncIterator {
        let handle: FileHandle
        var decoder = RecordingDecoder()
        var atEOF = false

        /// Opens the file.
        public init(path: String) throws {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            self.handle = handle
        }

        /// The next frame's bytes, nil at the end.
        public mutating func next() throws -> [UInt8]? {
            while true {
                if let frame = try decoder.next() { return frame }
                if atEOF { return nil }
                let descriptor = handle.fileDescriptor
                let count = try decoder.append(readingUpTo: 1 << 20) { buffer in
                    while true {
                        let count = read(descriptor, buffer.baseAddress, buffer.count)
                        if count >= 0 { return count }
                        if errno != EINTR { throw CocoaError(.fileReadUnknown) }
                    }
                }
                if count == 0 { atEOF = true; try? handle.close() }
            }
        }
    }
}
