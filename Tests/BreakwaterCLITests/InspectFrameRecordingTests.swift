import FirehoseTesting
import Foundation
import Testing

/// `inspect frame --recording DIR --index N [--car]`: one frame of a recording by its index, and the decoded CAR
/// slice of a `#commit`.
@Suite("inspect frame --recording")
struct InspectFrameRecordingTests {
    static let demo = Vectors.projectRoot.appendingPathComponent("Replays/demo").path

    @Test("a recording's frame is picked by its index (the i of outcome lines)")
    func frameIsPickedByIndex() throws {
        let result = try BreakwaterBinary.run(["inspect", "frame", "--recording", Self.demo, "--index", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"type\": \"commit\""), "\(result.stdout.prefix(400))")
        #expect(result.stdout.contains("\"index\": 2"))
        #expect(result.stdout.contains("\"rev\": \"3mbd3543otc22\""))
        let first = try BreakwaterBinary.run(["inspect", "frame", "--recording", Self.demo, "--index", "0"])
        #expect(first.stdout.contains("\"type\": \"identity\""), "\(first.stdout.prefix(400))")
    }

    @Test("--car decodes a commit's CAR slice: the commit, MST nodes with their entries, records as JSON")
    func carSliceIsDecodedByKind() throws {
        let result = try BreakwaterBinary.run(["inspect", "frame", "--recording", Self.demo, "--index", "2", "--car"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"kind\": \"commit\""), "\(result.stdout.prefix(2000))")
        #expect(result.stdout.contains("\"kind\": \"mst-node\""))
        #expect(result.stdout.contains("\"kind\": \"record\""))
        #expect(result.stdout.contains("\"entries\""))
        #expect(result.stdout.contains("\"$type\""))
    }

    @Test("an index past the end is an operational error naming the frame count")
    func indexPastTheEndFails() throws {
        let result = try BreakwaterBinary.run(["inspect", "frame", "--recording", Self.demo, "--index", "100000000"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: no-such-frame: "), "\(result.stderr)")
    }

    @Test("--recording without --index is a usage error")
    func recordingNeedsIndex() throws {
        let result = try BreakwaterBinary.run(["inspect", "frame", "--recording", Self.demo])
        #expect(result.status == 2, "\(result.stderr)")
    }
}

extension InspectFrameRecordingTests {
    @Test("BREAKWATER_RECORDING names the recording when no FILE is given")
    func recordingComesFromTheEnvironment() throws {
        let result = try BreakwaterBinary.run(["inspect", "frame", "--index", "1"], environment: ["BREAKWATER_RECORDING": Self.demo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"type\": \"account\""), "\(result.stdout.prefix(400))")
    }
}
