import ATIdentity
import ATSyntax
public import Foundation
public import FirehoseSync
import Synchronization

/// Writes a recording (Docs/CONTRACT.md §2) while frames arrive: each frame exactly as received, length-prefixed,
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
        /// Frames in `buffer` (not yet in the file).
        var buffered = 0
        /// The highest seq among the frames in `buffer`, and among those in the file.
        var bufferedSeq: Int64?
        var writtenSeq: Int64?
        /// A write failed: the recording ends where it was cut, and every later append or flush fails the same way.
        var failure: IngestError?
    }

    /// The recording folder.
    public let folder: URL
    /// Resolves identities as DIDs appear (run by the live ingest), when given.
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

    /// Appends one frame as received; `peek` is its header peek when the caller already took one.
    public func append(_ frame: [UInt8], peek known: FramePeek? = nil) throws {
        let peek = known ?? FramePeek(frame)
        let did = peek.did
        identities?.observe(peek)
        try state.withLock { s in
            if let failure = s.failure { throw failure }
            s.buffer.append(contentsOf: RecordingDecoder.encode(frame: frame))
            s.frames += 1
            s.buffered += 1
            if let seq = peek.seq { s.bufferedSeq = max(s.bufferedSeq ?? seq, seq) }
            if let did { s.dids.insert(did) }
            if s.buffer.count >= 1 << 18 || ContinuousClock.now - s.lastFlush >= .seconds(1) {
                try RecordingWriter.flush(&s)
            }
        }
    }

    /// Frames appended so far (without those a failed write lost).
    public var frames: Int { state.withLock { $0.frames } }

    /// Writes buffered frames to the file.
    public func flush() throws {
        try state.withLock { try RecordingWriter.flush(&$0) }
    }

    /// Writes buffered frames to the file, then succeeds when every frame up to `seq` is in the file: after a failed
    /// write (a full disk) too, for the frames before the cut, so that a batch the recording holds whole can still be
    /// stored; a batch reaching past the cut (or without a seq) gets the write's failure.
    public func flush(through seq: Int64?) throws {
        try state.withLock { s in
            do {
                try RecordingWriter.flush(&s)
            } catch {
                guard let seq, let written = s.writtenSeq, seq <= written else { throw error }
            }
        }
    }

    /// Appends the buffered frames. A failed write (a full disk) is undone: the file is cut back to its last whole
    /// frame, so what was written stays a valid recording, and the error is `disk-full` when the file system has no
    /// room left (else `cannot-write`).
    private static func flush(_ s: inout State) throws {
        s.lastFlush = .now
        if let failure = s.failure { throw failure }
        guard !s.buffer.isEmpty, let handle = s.handle else { return }
        let end = try? handle.offset()
        do {
            try handle.write(contentsOf: s.buffer)
        } catch {
            if let end {
                try? handle.truncate(atOffset: end)
                try? handle.seek(toOffset: end)
            }
            s.buffer.removeAll()
            s.frames -= s.buffered
            s.buffered = 0
            s.bufferedSeq = nil
            let failure = DiskSpace.isFull(error)
                ? IngestError(.diskFull, "no space left for the recording's frames.bin; it ends with its last whole frame "
                              + "(at byte \(end.map(String.init) ?? "?")): free space and run again to continue it")
                : IngestError(.cannotWrite, "cannot write frames: \(error.localizedDescription)")
            s.failure = failure
            throw failure
        }
        s.buffer.removeAll(keepingCapacity: true)
        s.buffered = 0
        if let seq = s.bufferedSeq { s.writtenSeq = max(s.writtenSeq ?? seq, seq) }
        s.bufferedSeq = nil
    }

    /// Flushes and closes `frames.bin`, then writes `identities.json` with an entry for every DID seen that
    /// `identities` knows (merged into an existing file); with a ``LiveIdentityRecorder``, its entries (with key
    /// history) come first and `identities` is not consulted. Returns the DIDs left without an entry.
    @discardableResult
    public func finish(identities: (any RecordingIdentitySource)?) async throws -> [String] {
        // After a failed write the frames stay cut at their last whole frame; identities.json is still written (the
        // recording needs it), then the failure is reported.
        let (dids, failure) = state.withLock { s -> (Set<String>, IngestError?) in
            var failure: IngestError?
            do { try RecordingWriter.flush(&s) } catch { failure = error as? IngestError ?? IngestError(.cannotWrite, "\(error)") }
            try? s.handle?.close()
            s.handle = nil
            return (s.dids, failure)
        }
        let url = folder.appendingPathComponent("identities.json")
        var merged = StaticIdentities()
        if let data = FileManager.default.contents(atPath: url.path), let existing = try? StaticIdentities(data: data) {
            merged = existing
        }
        var missing: [String] = []
        if let live = self.identities {
            (merged, missing) = await live.entries(existing: merged)
        } else {
            for name in dids.sorted() {
                guard let did = try? DID(name) else {
                    missing.append(name)
                    continue
                }
                guard merged.entries[did] == nil else { continue }
                if let data = await identities?.identityJSON(for: name), let decoded = LiveIdentityRecorder.decode(data, did: did) {
                    merged.entries[did] = decoded.entry
                    if !decoded.previousKeys.isEmpty { merged.previousKeys[did] = decoded.previousKeys }
                } else {
                    missing.append(name)
                }
            }
        }
        do {
            try merged.encoded().write(to: url, options: .atomic)
        } catch {
            if DiskSpace.isFull(error) { throw IngestError(.diskFull, "no space left for \(url.path)") }
            throw IngestError(.cannotWrite, "cannot write \(url.path): \(error.localizedDescription)")
        }
        if let failure { throw failure }
        return missing
    }
}
