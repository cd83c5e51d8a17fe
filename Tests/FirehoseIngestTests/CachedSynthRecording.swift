import FirehoseIngest
import FirehoseSync
import FirehoseTesting
import Foundation

/// A recording made once with `breakwater synth ARGUMENTS` and kept in the temporary folder under a name derived from
/// the generator's sources and the arguments: synth is deterministic, so later test runs reuse it until the generator
/// changes. The folder is written under a scratch name and moved into place whole, marked by `.complete`.
struct CachedSynthRecording: Sendable {
    let folder: URL
    /// Frames in `frames.bin`.
    let frames: Int
    /// The highest seq among them.
    let lastSeq: Int64

    /// Makes (or reuses) the recording of `arguments` in `bw-PREFIX-FINGERPRINT`.
    static func make(prefix: String, arguments: [String]) -> Result<CachedSynthRecording, BreakwaterProcess.Failure> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-\(prefix)-\(fingerprint(arguments))")
        let complete = folder.appendingPathComponent(".complete")
        if !FileManager.default.fileExists(atPath: complete.path) {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bw-\(prefix)-\(UUID().uuidString)")
            let result: BreakwaterBinary.Result
            do {
                result = try BreakwaterBinary.run(["synth", "--out", scratch.path] + arguments)
            } catch {
                return .failure(.init(description: "cannot run synth: \(error)"))
            }
            guard result.status == 0 else { return .failure(.init(description: "synth failed: \(result.stderr)")) }
            _ = FileManager.default.createFile(atPath: scratch.appendingPathComponent(".complete").path, contents: Data())
            try? FileManager.default.removeItem(at: folder)
            do { try FileManager.default.moveItem(at: scratch, to: folder) } catch {
                return .failure(.init(description: "cannot keep the synth recording: \(error)"))
            }
        }
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("frames.bin")) else {
            return .failure(.init(description: "no frames.bin in \(folder.path)"))
        }
        var decoder = RecordingDecoder()
        decoder.append(data)
        var frames = 0
        var lastSeq: Int64 = -1
        while let frame = try? decoder.next() {
            frames += 1
            if let seq = FramePeek(frame).seq { lastSeq = max(lastSeq, seq) }
        }
        return .success(CachedSynthRecording(folder: folder, frames: frames, lastSeq: lastSeq))
    }

    /// FNV-1a over the generator's sources and the arguments.
    static func fingerprint(_ arguments: [String]) -> String {
        let sources = Vectors.projectRoot.appendingPathComponent("Sources/FirehoseSynth")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []).sorted()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        for name in names {
            mix(name.utf8)
            mix((try? Data(contentsOf: sources.appendingPathComponent(name))) ?? Data())
        }
        mix(arguments.joined(separator: " ").utf8)
        return String(hash, radix: 16)
    }
}
