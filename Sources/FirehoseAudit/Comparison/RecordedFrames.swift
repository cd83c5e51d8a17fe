/// A recording read frame by frame, as a comparison consumes it: its frames in order, then whether it ended
/// cleanly.
public protocol RecordedFrames {
    /// The next frame's bytes, nil after the last.
    mutating func next() throws -> [UInt8]?
    /// After the last frame: whether the recording ends inside a frame (a truncated tail).
    var endsInsideFrame: Bool { get }
}
