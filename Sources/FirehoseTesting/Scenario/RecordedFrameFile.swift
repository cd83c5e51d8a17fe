import FirehoseSync
public import Foundation

/// A recording's `frames.bin` read whole into frames with the one recording codec (``RecordingDecoder``).
public enum RecordedFrameFile {
    /// The frames of the file at `url`, in order; throws when the file cannot be read or ends inside a frame.
    public static func frames(at url: URL) throws -> [[UInt8]] {
        var decoder = RecordingDecoder()
        decoder.append(try Data(contentsOf: url))
        var frames: [[UInt8]] = []
        while let frame = try decoder.next() { frames.append(frame) }
        if let truncated = decoder.finish() { throw truncated }
        return frames
    }
}
