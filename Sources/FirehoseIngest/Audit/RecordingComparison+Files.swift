import FirehoseSync
public import FirehoseAudit

extension RecordingComparison {
    /// Compares the recordings at `pathA` and `pathB` (`frames.bin` paths), each read in bounded chunks.
    public static func compare(_ pathA: String, _ pathB: String) throws -> RecordingComparison {
        try compare(RecordingFrames.SyncIterator(path: pathA), path: pathA, RecordingFrames.SyncIterator(path: pathB), path: pathB)
    }
}

extension RecordingFrames.SyncIterator: RecordedFrames {
    /// Whether the file ended inside a frame.
    public var endsInsideFrame: Bool { decoder.finish() != nil }
}
