public import Foundation

/// Where the parts of a recording live (Docs/CONTRACT.md §2): `FILE` is the folder or its `frames.bin`.
public struct RecordingLocation: Sendable, Hashable {
    /// The folder holding the recording.
    public let folder: URL
    /// `frames.bin`.
    public let frames: URL
    /// `identities.json` beside the frames.
    public var identities: URL { folder.appendingPathComponent("identities.json") }
    /// `expected.jsonl` beside the frames.
    public var expected: URL { folder.appendingPathComponent("expected.jsonl") }

    /// Resolves a user-supplied path.
    public init(path: String) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            folder = url
            frames = url.appendingPathComponent("frames.bin")
        } else {
            folder = url.deletingLastPathComponent()
            frames = url
        }
    }

    /// A stable name for the store's cursor table.
    public var upstreamName: String { "file:" + frames.standardizedFileURL.path }
}
