import FirehoseSync
package import FirehoseSynth
import Foundation

/// `synth`: a deterministic synthetic recording written to a folder (`frames.bin`, `identities.json`,
/// `expected.jsonl`), and optionally every account's repository CAR.
package enum SynthRecording {
    /// What was written.
    package struct Result: Sendable {
        /// Events written.
        package let events: Int
        /// Repository CARs written (0 without a repository folder).
        package let repositories: Int
        /// Wall seconds taken.
        package let seconds: Double
    }

    /// Generates the recording of `configuration` into `out` (created if needed), the repository CARs into
    /// `reposDir` when given, with a progress line on stderr every `progress` seconds (0: none).
    package static func write(configuration: SynthConfiguration, out: String, reposDir: String?, progress: Double) throws -> Result {
        let folder = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ServiceError("cannot-write", "cannot create \(out): \(error.localizedDescription)")
        }
        let framesPath = folder.appendingPathComponent("frames.bin").path
        let expectedPath = folder.appendingPathComponent("expected.jsonl").path
        guard FileManager.default.createFile(atPath: framesPath, contents: nil),
              FileManager.default.createFile(atPath: expectedPath, contents: nil),
              let frames = FileHandle(forWritingAtPath: framesPath),
              let expected = FileHandle(forWritingAtPath: expectedPath) else {
            throw ServiceError("cannot-write", "cannot write into \(out)")
        }
        let started = Date()
        var frameBuffer: [UInt8] = []
        var expectedBuffer: [UInt8] = []
        var count = 0
        var lastProgress = started
        var generator = SynthGenerator(configuration: configuration) { event in
            frameBuffer.append(contentsOf: RecordingDecoder.encode(frame: event.frame))
            expectedBuffer.append(contentsOf: event.expected.json.utf8)
            expectedBuffer.append(0x0a)
            count += 1
            if progress > 0, count % 256 == 0, Date().timeIntervalSince(lastProgress) >= progress {
                lastProgress = Date()
                let elapsed = lastProgress.timeIntervalSince(started)
                FileHandle.standardError.write(Data(("synth: \(groupedDigits(count)) events written, "
                    + "\(String(format: "%.0f", elapsed)) s\n").utf8))
            }
            if frameBuffer.count >= 1 << 22 {
                frames.write(Data(frameBuffer))
                expected.write(Data(expectedBuffer))
                frameBuffer.removeAll(keepingCapacity: true)
                expectedBuffer.removeAll(keepingCapacity: true)
            }
        }
        do {
            try generator.run()
        } catch {
            throw ServiceError("synth-failed", "\(error)")
        }
        frames.write(Data(frameBuffer))
        expected.write(Data(expectedBuffer))
        try frames.close()
        try expected.close()
        try generator.identitiesJSON().write(to: folder.appendingPathComponent("identities.json"))
        var repoCount = 0
        if let reposDir {
            let carFolder = URL(fileURLWithPath: reposDir)
            try FileManager.default.createDirectory(at: carFolder, withIntermediateDirectories: true)
            for (did, car) in try generator.repositoryCARs() {
                try Data(car).write(to: carFolder.appendingPathComponent(did.replacingOccurrences(of: ":", with: "_") + ".car"))
                repoCount += 1
            }
        }
        return Result(events: count, repositories: repoCount, seconds: Date().timeIntervalSince(started))
    }
}
