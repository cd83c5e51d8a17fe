import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import IPLD

/// The inputs of the differential tests of the in-place decoders: every frame of every `Replays/*` recording and of
/// the peer vectors, synth frames (with faults and quirks), and the CAR slices and commit blocks they carry plus every
/// `.car` file of the vectors.
enum DecodeCorpus {
    /// Recorded frames: `Replays/*/frames.bin` and `Tests/Vectors/peers/*/frames.bin`.
    static let recordedFrames: [[UInt8]] = {
        var frames: [[UInt8]] = []
        let folders = [Vectors.projectRoot.appendingPathComponent("Replays"), Vectors.url("peers")]
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() {
                let file = folder.appendingPathComponent("\(name)/frames.bin")
                guard FileManager.default.fileExists(atPath: file.path) else { continue }
                frames += try! RecordedFrameFile.frames(at: file)
            }
        }
        return frames
    }()

    /// Synth frames: two runs, one clean and one with faults of every kind and quirks.
    static let synthFrames: [[UInt8]] = {
        var frames: [[UInt8]] = []
        let configurations = [
            SynthConfiguration(repos: 12, commits: 300, seed: 21),
            {
                var faulty = SynthConfiguration(repos: 12, commits: 400, seed: 22, faultRate: 0.3)
                faulty.quirkRate = 0.3
                return faulty
            }(),
        ]
        for configuration in configurations {
            var generator = SynthGenerator(configuration: configuration) { frames.append($0.frame) }
            try! generator.run()
        }
        return frames
    }()

    /// Every frame of the corpus.
    static var frames: [[UInt8]] { recordedFrames + synthFrames }

    /// The `blocks` of every `#commit` and `#sync` frame of the corpus that decodes.
    static let slices: [[UInt8]] = frames.compactMap { bytes in
        guard let frame = try? Frame(decoding: bytes), case .bytes(let blocks)? = frame.body["blocks"] else { return nil }
        return blocks
    }

    /// Every `.car` file of the vectors.
    static let carFiles: [[UInt8]] = Vectors.files(under: ".", suffix: ".car").map { Array(try! Data(contentsOf: $0)) }

    /// The root block of every CAR of the corpus that parses (the signed commit of a slice or a repository export).
    static let commitBlocks: [[UInt8]] = (slices + carFiles).compactMap { bytes in
        guard let car = try? CARFile(bytes: bytes, verifyingHashes: false), let block = car.data(for: car.root) else { return nil }
        return Array(block)
    }
}
