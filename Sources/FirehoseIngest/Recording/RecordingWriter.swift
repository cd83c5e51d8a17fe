public import Foundation
import FirehoseSync
import Synchronization

/// Writes a recording (CONTRACT.md §2) while frames arrive: each frame exactly as received, length-prefixed,
/// appended to `frames.bin` (an existing file is continued, never truncated) and flushed at least every
/// second or 256 KiB, so an interrupted run keeps what arrived; the DIDs seen are remembered and their
/// identities written to `identities.json` by ``finish(identities:)``. With a ``LiveIdentityRecorder``, DIDs are
/// resolved while frames arrive (and again on `#identity`), so key rotations seen live become key history.
public final class RecordingWriter: Sendable {
    struct State {
        var handle: FileHandle?
        var buffer: [UInt8] = []
        var lastFlush = ContinuousClock.now
        var dids: Set<String> = []
        var frames = 0
    }

    /// The recording folder.
    public let folder: URL
    /// Resolves identities as DIDs appear (run by ``LiveIngest``), when given.
    public let identities: LiveIdentityRecorder?
    private let state: Mutex<State>

    /// Opens (creating if needed) `folder/frames.bin` for appending; `identities` resolves DIDs as they appear.
    public init(folder: String, identities: LiveIdentityRecorder? = nil) throws {
        self.folder = URL(fileURLWithPath: folder)
        self.identities = identities
        let framesPath = self.folder.appendingPathComponent("frames.bin").path
        do {
            try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        } catch {
            throw IngestError(.cannotWrite, "cannot create \(folder): \(error.localizedDescription)")
        }
        if !FileManager.default.fileExists(atPath: framesPath) {
            guard FileManager.default.createFile(atPath: framesPath, contents: nil) else {
                throw IngestError(.cannotWrite, "cannot create \(framesPath)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: framesPath) else {
            throw IngestError(.cannotWrite, "cannot open \(framesPath) for writing")
        }
        do { try handle.seekToEnd() } catch {
            throw IngestError(.cannotWrite, "cannot append to \(framesPath): \(error.localizedDescription)")
        }
        state = Mutex(State(handle: handle))
    }

    /// Appends one frame as received.
    public func append(_ frame: [UInt8]) throws {
        let peek = FramePeek(frame)
        let did = peek.did
        identities?.observe(peek)
        try state.withLock { s in
            s.buffer.append(contentsOf: RecordingDecoder.encode(frame: frame))
            s.frames += 1
            if let did { s.dids.insert(did) }
            if s.buffer.count >= 1 << 18 || ContinuousClock.now - s.lastFlush >= .seconds(1) {
                try RecordingWriter.flush(&s)
            }
        }
    }

    /// Frames appended so far.
    public var frames: Int { state.withLock { $0.frames } }

    /// Writes buffered frames to the file.
    public func flush() throws {
        try state.withLock { try RecordingWriter.flush(&$0) }
    }

    private static func flush(_ s: inout State) throws {
        s.lastFlush = .now
        guard !s.buffer.isEmpty, let handle = s.handle else { return }
        do {
            try handle.write(contentsOf: s.buffer)
        } catch {
            throw IngestError(.cannotWrite, "cannot write frames: \(error.localizedDescription)")
        }
        s.buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes `frames.bin`, then writes `identities.json` with an entry for every DID seen that
    /// `identities` knows (merged into an existing file); with a ``LiveIdentityRecorder``, its entries (with key
    /// history) come first and `identities` is not consulted. Returns the DIDs left without an entry.
    @discardableResult
    public func finish(identities: (any RecordingIdentitySource)?) async throws -> [String] {
        let dids = try state.withLock { s -> Set<String> in
            try RecordingWriter.flush(&s)
            try? s.handle?.close()
            s.handle = nil
            return s.dids
        }
        let url = folder.appendingPathComponent("identities.json")
        var merged: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: url.path),
           let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            merged = existing
        }
        var missing: [String] = []
        if let live = self.identities {
            (merged, missing) = await live.entries(existing: merged)
        }
        for did in dids.sorted() where merged[did] == nil && self.identities == nil {
            if let data = await identities?.identityJSON(for: did), let entry = try? JSONSerialization.jsonObject(with: data) {
                merged[did] = entry
            } else {
                missing.append(did)
            }
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: merged, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url, options: .atomic)
        } catch {
            throw IngestError(.cannotWrite, "cannot write \(url.path): \(error.localizedDescription)")
        }
        return missing
    }
}
