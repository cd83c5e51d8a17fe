import FirehoseTesting
import Foundation
import Testing

/// `status --violation SEQ --frame OUT.bin`: the stored frame bytes of a violation, exactly as received.
@Suite("status --violation", .serialized)
struct ViolationEvidenceTests {
    static let source = Vectors.projectRoot.appendingPathComponent("Replays/rule-bad-signature")

    /// Frame `index` of a recording's frames.bin (4-byte big-endian length, then the bytes).
    static func frame(_ index: Int, of frames: [UInt8]) -> [UInt8]? {
        var offset = 0, position = 0
        while offset + 4 <= frames.count {
            let length = frames[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if position == index { return Array(frames[offset + 4..<offset + 4 + length]) }
            offset += 4 + length
            position += 1
        }
        return nil
    }

    /// A replayed database of the rule-bad-signature recording (seq 9 is rejected: frame 8).
    static func database() throws -> (folder: URL, db: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("state.sqlite").path
        let replay = try BreakwaterBinary.run(["replay", source.path, "--db", db])
        #expect(replay.status == 0, "\(replay.stderr)")
        return (folder, db)
    }

    @Test("a rejected event's frame is written byte for byte as it was received")
    func rejectedFrameIsWrittenAsReceived() throws {
        let (folder, db) = try Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("evidence.bin").path
        let result = try BreakwaterBinary.run(["status", "--db", db, "--violation", "9", "--frame", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("bad-signature"), "\(result.stdout)")
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        let recording = try [UInt8](Data(contentsOf: Self.source.appendingPathComponent("frames.bin")))
        #expect(written == Self.frame(8, of: recording))
        let inspected = try BreakwaterBinary.run(["inspect", "frame", out])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("\"seq\": 9"))
    }

    @Test("--violation --json prints the stored violation; an unknown seq is an operational error")
    func violationIsShownOrRefused() throws {
        let (folder, db) = try Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shown = try BreakwaterBinary.run(["status", "--db", db, "--violation", "11", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(object?["reason"] as? String == "bad-signature")
        #expect((object?["frameBytes"] as? Int ?? 0) > 0)
        let missing = try BreakwaterBinary.run(["status", "--db", db, "--violation", "999999"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: no-such-violation: "), "\(missing.stderr)")
    }

    @Test("--frame without --violation is a usage error")
    func frameNeedsViolation() throws {
        let result = try BreakwaterBinary.run(["status", "--frame", "/dev/null"])
        #expect(result.status == 2, "\(result.stderr)")
    }
}
