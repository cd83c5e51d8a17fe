import FirehoseAudit
import FirehoseSync
import IPLD
import Testing

/// The recorded comparison's stream-order rules on in-memory recordings: each side's own seq gaps and
/// regressions are reported (``SeqOrder``) and do not make two recordings differ.
@Suite("recorded comparison, in memory")
struct RecordingComparisonRuleTests {
    struct Frames: RecordedFrames {
        var frames: [[UInt8]]
        var endsInsideFrame = false
        mutating func next() throws -> [UInt8]? { frames.isEmpty ? nil : frames.removeFirst() }
    }

    static func info(seq: Int64) -> [UInt8] {
        Frame(op: 1, type: "#info", body: ["name": .string("x"), "seq": .int(seq)]).encoded()
    }

    @Test func eachSidesGapsAndRegressionsAreItsOwn() throws {
        let a = Frames(frames: [1, 2, 5, 4, 6].map { Self.info(seq: $0) })
        let b = Frames(frames: [1, 2, 3].map { Self.info(seq: $0) }, endsInsideFrame: true)
        let result = try RecordingComparison.compare(a, path: "a", b, path: "b")
        #expect(result.a.gaps.map(\.missing) == [2])
        #expect(result.a.regressions.map(\.seq) == [4])
        #expect(result.a.other == 5)
        #expect(result.b.gaps.isEmpty && result.b.regressions.isEmpty)
        #expect(result.b.truncated)
        #expect(result.isEquivalent)
    }
}
