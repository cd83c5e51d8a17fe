import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// The header peek refuses exactly what the full frame decode refuses and reads the same fields, on every frame of
/// every `Replays/*` recording and on deterministic mutations of them (truncations, flipped bytes, a trailing byte).
@Suite("frame header peek")
struct FrameHeaderTests {
    static func recordings() throws -> [[UInt8]] {
        let replays = Vectors.projectRoot.appendingPathComponent("Replays")
        var frames: [[UInt8]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: replays.path).sorted() {
            let file = replays.appendingPathComponent("\(name)/frames.bin")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            frames += try RecordedFrameFile.frames(at: file)
        }
        return frames
    }

    /// Whether the peek and the decode agree on `bytes`: both refuse, or both accept with the same fields.
    static func agree(_ bytes: [UInt8]) -> Bool {
        let frame = try? Frame(decoding: bytes)
        let header = try? FrameHeader(peeking: bytes)
        guard let frame, let header else { return frame == nil && header == nil }
        return header.op == frame.op && header.type == frame.type && header.seq == frame.seq && header.validSeq == frame.validSeq
            && header.did == frame.didField && header.error == frame.body["error"]?.stringValue
            && header.message == frame.body["message"]?.stringValue && header.name == frame.body["name"]?.stringValue
    }

    @Test func everyRecordedFramePeeksAsItDecodes() throws {
        let frames = try Self.recordings()
        #expect(frames.count > 500)
        for (i, bytes) in frames.enumerated() {
            #expect(Self.agree(bytes), "frame \(i)")
        }
    }

    @Test func mutatedFramesArePeekedAndDecodedAlike() throws {
        var rng = SplitMix64(seed: 13)
        var checked = 0
        var refused = 0
        for bytes in try Self.recordings() where bytes.count > 8 {
            var variants: [[UInt8]] = [bytes + [0x00], Array(bytes.prefix(bytes.count / 2)), Array(bytes.dropLast())]
            for _ in 0..<4 {
                var flipped = bytes
                flipped[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
                variants.append(flipped)
            }
            for variant in variants {
                #expect(Self.agree(variant), "variant of \(bytes.count) bytes")
                if (try? Frame(decoding: variant)) == nil { refused += 1 }
                checked += 1
            }
        }
        print("frame header peek: \(checked) mutated frames, \(refused) refused by both")
        #expect(refused > 0)
    }

    @Test func aBodyThatIsNotAMapOrHoldsAFloatDeepInsideIsRefusedByBoth() {
        let header = DAGCBOR.encode(.map(["op": .int(1), "t": .string("#commit")]))
        let list = header + DAGCBOR.encode(.list([.int(1)]))
        #expect(Self.agree(list))
        #expect((try? FrameHeader(peeking: list)) == nil)
        // {"blocks": [1.5]}: a float (0xf9 half precision) nested in a skipped value.
        let float = header + [0xa1, 0x66] + Array("blocks".utf8) + [0x81, 0xf9, 0x3e, 0x00]
        #expect(Self.agree(float))
        #expect((try? FrameHeader(peeking: float)) == nil)
    }

    /// Bodies the skip reads without building strings unless it must: non-ASCII keys that are canonically equivalent
    /// to an earlier key (ASCII or not, at the top and nested), non-ASCII and invalid UTF-8 text in skipped values.
    /// Each case: the body's bytes after the header, and whether both refuse it.
    static let textCases: [(name: String, body: [UInt8], refused: Bool)] = {
        let seq: [UInt8] = [0x63] + Array("seq".utf8) + [0x01]
        let kelvin: [UInt8] = [0x63, 0xe2, 0x84, 0xaa]  // "K" KELVIN SIGN, canonically equivalent to "K"
        let precomposed: [UInt8] = [0x62, 0xc3, 0xa9], decomposed: [UInt8] = [0x63, 0x65, 0xcc, 0x81]  // "é" two ways
        let x: [UInt8] = [0x61, 0x78]
        return [
            ("nested é twice", [0xa2] + x + [0xa2] + precomposed + [0x01] + decomposed + [0x02] + seq, true),
            ("nested K then Kelvin", [0xa2] + x + [0xa2, 0x61, 0x4b, 0x01] + kelvin + [0x02] + seq, true),
            ("top-level K, seq, Kelvin", [0xa3, 0x61, 0x4b, 0x01] + seq + kelvin + [0x02], true),
            ("nested Kelvin alone", [0xa2] + x + [0xa1] + kelvin + [0x02] + seq, false),
            ("nested é and e", [0xa2] + x + [0xa2, 0x61, 0x65, 0x01] + precomposed + [0x02] + seq, false),
            ("skipped non-ASCII text", [0xa2] + x + [0x62, 0xc3, 0xa9] + seq, false),
            ("skipped invalid UTF-8 text", [0xa2] + x + [0x62, 0xc3, 0x28] + seq, true),
            ("skipped ASCII text in a list", [0xa2] + x + [0x82, 0x61, 0x61, 0x61, 0x62] + seq, false),
        ]
    }()

    @Test(arguments: textCases.indices)
    func keysAndTextOfSkippedValuesAreRefusedByBothAlike(index: Int) {
        let (name, body, refused) = Self.textCases[index]
        let bytes = DAGCBOR.encode(.map(["op": .int(1), "t": .string("#commit")])) + body
        #expect(Self.agree(bytes), "\(name)")
        #expect(((try? FrameHeader(peeking: bytes)) == nil) == refused, "\(name)")
        if refused {
            // Refused for the rule the case is about, by the peek as by the decode.
            let because = name.contains("UTF-8") ? "not valid UTF-8" : "canonically equivalent"
            #expect(throws: FirehoseSyncError.self, "\(name)") { try FrameHeader(peeking: bytes) }
            do { _ = try FrameHeader(peeking: bytes) } catch { #expect("\(error)".contains(because), "\(name): \(error)") }
            do { _ = try Frame(decoding: bytes) } catch { #expect("\(error)".contains(because), "\(name): \(error)") }
        }
    }
}
