import FirehoseSync
import FirehoseSynth
import IPLD
import Testing

/// The in-place `#commit` frame read (the `FrameView` path of ``DecodedEvent/decode(_:index:policy:)``) gives what
/// the generic decode gives (``DecodedEvent/decodeGeneric(_:index:policy:)``), under both policies: on every frame of
/// the recordings, peer vectors and synth runs, and on ≥ 10,000 mutations of them (truncations, flipped bits,
/// trailing bytes).
@Suite("frame view")
struct FrameViewDifferentialTests {
    /// What a decoded frame says, as text (the CAR slice by its hash).
    static func summary(_ decoded: DecodedEvent) -> String {
        switch decoded {
        case .final(let judgement, let bytes):
            return "final \(judgement.event) \(judgement.verdict) \(judgement.note ?? "-") \(judgement.warnings) \(bytes.count)"
        case .message(.commit(let e), let index, let bytes):
            return "commit \(index) \(e.seq) \(e.repo) \(e.rev) \(e.since ?? "-") \(e.commit) \(CID.compute(for: e.blocks)) "
                + "\(e.blocks.count) \(e.ops) \(e.prevData.map { "\($0)" } ?? "-") \(e.time ?? "-") \(e.tooBig) \(e.rebase) "
                + "\(e.listedOpCount) \(e.warnings) \(bytes.count)"
        case .message(let message, let index, let bytes):
            return "message \(index) \(message) \(bytes.count)"
        }
    }

    /// Whether both decodes agree on `bytes` under both policies; true also says whether the strict one is a commit.
    static func agree(_ bytes: [UInt8]) -> (agree: Bool, commit: Bool) {
        var commit = false
        for policy in [VerificationPolicy.strict, .relay] {
            let new = DecodedEvent.decode(bytes, index: 3, policy: policy)
            let old = DecodedEvent.decodeGeneric(bytes, index: 3, policy: policy)
            guard summary(new) == summary(old) else { return (false, false) }
            if case .message(.commit, _, _) = new, policy == .strict { commit = true }
        }
        return (true, commit)
    }

    @Test func everyFrameDecodesInPlaceAsItDecodesGenerically() {
        let frames = DecodeCorpus.frames
        var commits = 0
        for (index, bytes) in frames.enumerated() {
            let verdict = Self.agree(bytes)
            #expect(verdict.agree, "frame \(index)")
            if verdict.commit { commits += 1 }
        }
        print("frame view: \(frames.count) frames, \(commits) accepted #commit events")
        #expect(frames.count > 1000 && commits > 500)
    }

    @Test func mutatedFramesDecodeAlike() {
        var rng = SplitMix64(seed: 29)
        var checked = 0
        var commits = 0
        for bytes in DecodeCorpus.frames where bytes.count > 16 {
            var variants: [[UInt8]] = [bytes + [0x00], Array(bytes.prefix(bytes.count / 2)), Array(bytes.dropLast())]
            for _ in 0..<5 {
                var flipped = bytes
                flipped[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
                variants.append(flipped)
            }
            // A flip inside the first 200 bytes reaches the header and the envelope more often than the CAR slice.
            var early = bytes
            early[rng.below(min(200, bytes.count))] ^= UInt8(1 << rng.below(8))
            variants.append(early)
            for variant in variants {
                let verdict = Self.agree(variant)
                #expect(verdict.agree, "variant of \(bytes.count) bytes")
                if verdict.commit { commits += 1 }
                checked += 1
            }
        }
        print("frame view: \(checked) mutated frames, \(commits) still #commit events")
        #expect(checked >= 10_000 && commits > 0)
    }

    @Test func envelopeVariantsDecodeAlike() throws {
        // Fields re-encoded with every lenient or refused form of the envelope.
        var checked = 0
        for bytes in DecodeCorpus.recordedFrames.prefix(400) {
            guard let frame = try? Frame(decoding: bytes), frame.type == "#commit" else { continue }
            let edits: [(inout [String: IPLDValue]) -> Void] = [
                { $0["since"] = .string("") }, { $0["since"] = nil }, { $0["since"] = .int(1) }, { $0["time"] = nil },
                { $0["time"] = .string("2024-01-01T00:00:00") }, { $0["time"] = .int(5) }, { $0["tooBig"] = nil },
                { $0["rebase"] = nil }, { $0["tooBig"] = .bool(true) }, { $0["rebase"] = .int(0) }, { $0["blobs"] = nil },
                { $0["blobs"] = .null }, { $0["blobs"] = .int(1) }, { $0["prevData"] = nil }, { $0["prevData"] = .null },
                { $0["prevData"] = .int(1) }, { $0["extra"] = .int(1) }, { $0["seq"] = .int(0) }, { $0["seq"] = .string("1") },
                { $0["repo"] = .string("nope") }, { $0["rev"] = .string("nope") }, { $0["ops"] = .list([]) },
                { $0["ops"] = .list([.int(1)]) }, { $0["blocks"] = .string("x") }, { $0["commit"] = .null },
            ]
            for edit in edits {
                var body = frame.body
                edit(&body)
                for type in ["#commit", "com.atproto.sync.subscribeRepos#commit"] {
                    let variant = Frame(op: 1, type: type, body: body).encoded()
                    #expect(Self.agree(variant).agree, "edited frame")
                    checked += 1
                }
            }
        }
        print("frame view: \(checked) frames with edited envelopes")
        #expect(checked > 1000)
    }
}
