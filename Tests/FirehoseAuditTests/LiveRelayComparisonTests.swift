import ATSyntax
@testable import FirehoseAudit
import FirehoseSync
import Foundation
import Testing

/// The live two-relay comparison's rules, on hand-made event summaries with explicit arrival times.
@Suite("live relay comparison")
struct LiveRelayComparisonTests {
    static let second: Int64 = 1_000_000

    static func commit(_ did: String, _ rev: String, seq: Int64, commit: UInt8 = 1) -> ComparedEvent.Kind {
        .event(ComparedEvent(key: "commit|\(did)|\(rev)",
                             reference: .init(type: "commit", did: did, rev: rev, seq: seq, index: Int(seq)),
                             fields: ["commit": [commit], "ops": [7]]))
    }

    static func comparison(window: Int64 = 10 * second, capacity: Int = 1000) -> LiveRelayComparison {
        LiveRelayComparison(first: "a", second: "b", windowMicros: window, capacity: capacity,
                            now: { Int64(Date().timeIntervalSince1970 * 1_000_000) })
    }

    @Test func eventsBeforeTheFirstSharedEventAreNotCompared() {
        var c = Self.comparison()
        // A resumes from a cursor (old events first), B starts live at rev 3.
        #expect(c.observe(side: 0, Self.commit("did:x", "2222222222221", seq: 1), at: 0).isEmpty)
        #expect(c.observe(side: 0, Self.commit("did:y", "2222222222222", seq: 2), at: 0).isEmpty)
        #expect(c.observe(side: 1, Self.commit("did:x", "2222222222223", seq: 50), at: 0).isEmpty)
        #expect(!c.started)
        #expect(c.observe(side: 0, Self.commit("did:x", "2222222222223", seq: 3), at: 1).isEmpty)
        #expect(c.started)
        #expect(c.sweep(at: 100 * Self.second).isEmpty)
        #expect(c.counts.beforeStart == [2, 0])
        #expect(c.counts.matched == 1)
    }

    @Test func anEventWithoutItsCopyWithinTheWindowIsMissingOnTheOtherRelayOnce() {
        var c = Self.comparison()
        _ = c.observe(side: 0, Self.commit("did:x", "2222222222221", seq: 1), at: 0)
        _ = c.observe(side: 1, Self.commit("did:x", "2222222222221", seq: 11), at: 0)
        _ = c.observe(side: 0, Self.commit("did:y", "2222222222222", seq: 2), at: Self.second)
        #expect(c.sweep(at: 10 * Self.second).isEmpty)  // 9 s waited: still within the window
        let found = c.sweep(at: 11 * Self.second)
        #expect(found.map(\.kind) == [.missing])
        #expect(found.first?.relay == "b")
        #expect(found.first?.event?.did == "did:y")
        // Arriving after it was reported: counted late, not reported again on A.
        #expect(c.observe(side: 1, Self.commit("did:y", "2222222222222", seq: 12), at: 12 * Self.second).isEmpty)
        #expect(c.sweep(at: 100 * Self.second).isEmpty)
        #expect(c.counts.late == [0, 1])
        #expect(c.counts.divergences[1][.missing] == 1)
        #expect(c.counts.total(.missing) == 1)
    }

    @Test func anEventDeliveredAgainAfterItWasReportedMissingIsADuplicateNotASecondMissing() {
        var c = Self.comparison()
        _ = c.observe(side: 0, Self.commit("did:x", "2222222222221", seq: 1), at: 0)
        _ = c.observe(side: 1, Self.commit("did:x", "2222222222221", seq: 11), at: 0)
        _ = c.observe(side: 0, Self.commit("did:y", "2222222222222", seq: 2), at: Self.second)
        #expect(c.sweep(at: 11 * Self.second).map(\.kind) == [.missing])
        // A sends it a second time (seq 3 follows seq 2: no gap); B does not repeat it within the window.
        #expect(c.observe(side: 0, Self.commit("did:y", "2222222222222", seq: 3), at: 12 * Self.second).isEmpty)
        let again = c.sweep(at: 100 * Self.second)
        #expect(again.map(\.kind) == [.duplicate])
        #expect(again.first?.relay == "a")
        #expect(c.counts.total(.missing) == 1)
        // B's late copy is still counted late.
        #expect(c.observe(side: 1, Self.commit("did:y", "2222222222222", seq: 12), at: 101 * Self.second).isEmpty)
        #expect(c.counts.late == [0, 1])
    }

    @Test func duplicatesReordersDifferencesAndSeqGapsAreReportedOnTheRelayThatDidThem() {
        var c = Self.comparison()
        _ = c.observe(side: 0, Self.commit("did:x", "2222222222221", seq: 1), at: 0)
        _ = c.observe(side: 1, Self.commit("did:x", "2222222222221", seq: 11), at: 0)
        // B delivers x's rev 3 before rev 2; A in order.
        #expect(c.observe(side: 1, Self.commit("did:x", "2222222222223", seq: 12), at: 1).isEmpty)
        #expect(c.observe(side: 1, Self.commit("did:x", "2222222222222", seq: 13), at: 2).isEmpty)
        // A's copy comes in order: B alone reordered.
        let reordered = c.observe(side: 0, Self.commit("did:x", "2222222222222", seq: 2), at: 3)
        #expect(reordered.map(\.kind) == [.reordered] && reordered.first?.relay == "b")
        _ = c.observe(side: 0, Self.commit("did:x", "2222222222223", seq: 3), at: 4)
        // A repeats a matched event (B does not); B skips seqs; B alters a commit.
        #expect(c.observe(side: 0, Self.commit("did:x", "2222222222223", seq: 4), at: 5).isEmpty)
        let gap = c.observe(side: 1, Self.commit("did:z", "2222222222224", seq: 20, commit: 9), at: 6)
        #expect(gap.map(\.kind) == [.seqGap] && gap.first?.detail.contains("6 missing") == true)
        let differs = c.observe(side: 0, Self.commit("did:z", "2222222222224", seq: 5), at: 7)
        #expect(differs.map(\.kind) == [.differs])
        #expect(differs.first?.detail == "differs in commit")
        let repeated = c.sweep(at: 100 * Self.second)
        #expect(repeated.map(\.kind) == [.duplicate] && repeated.first?.relay == "a")
        #expect(c.counts.matched == 4)
        #expect(c.counts.divergences[0] == [.duplicate: 1])
        #expect(c.counts.divergences[1] == [.reordered: 1, .seqGap: 1, .differs: 1])
    }

    /// The time the revs below are counted from (fixed, so a rev made twice is the same rev).
    static let base = Int64(Date().timeIntervalSince1970) * 1_000_000

    /// A rev `seconds` after ``base`` (negative: before).
    static func rev(_ seconds: Int64) -> String {
        let micros = UInt64(base + seconds * 1_000_000)
        return (try? TID(microseconds: micros, clockID: 0))?.description ?? ""
    }

    /// a `future-rev` commit dated 2099 that both relays deliver, then the account's next commits,
    /// and a repeat that both relays make: the two streams agree, so nothing is raised.
    @Test func identicalStreamsRaiseNothingEvenWithAFutureRevCommitAndSharedRepeats() throws {
        var c = Self.comparison()
        let future = try TID(microseconds: 4_070_908_800_000_000, clockID: 0).description  // 2099-01-01
        var stream: [ComparedEvent.Kind] = [Self.commit("did:x", Self.rev(-100), seq: 1), Self.commit("did:x", future, seq: 2)]
        for i in 0..<20 { stream.append(Self.commit(i % 2 == 0 ? "did:x" : "did:y", Self.rev(-90 + Int64(i)), seq: Int64(3 + i))) }
        stream.append(Self.commit("did:y", Self.rev(-89), seq: 23))  // a repeat in both streams
        stream.append(Self.commit("did:x", Self.rev(-50), seq: 24))
        var found: [RelayDivergence] = []
        for (i, event) in stream.enumerated() {
            found += c.observe(side: 0, event, at: Int64(i) * Self.second)
            found += c.observe(side: 1, event, at: Int64(i) * Self.second + 1)
        }
        found += c.finish(at: 1000 * Self.second)
        #expect(found.isEmpty, "\(found.map { "\($0.kind) \($0.relay) \($0.detail)" })")
        #expect(c.counts.matched == stream.count)
    }

    /// A commit the verifier rejected (here an ordinary rev, e.g. a bad signature) does not stay the baseline: the
    /// account's later commits are not reordered on the relay that alone delivered it.
    @Test func aRejectedCommitNeverSetsTheRevBaseline() {
        var c = Self.comparison()
        _ = c.observe(side: 0, Self.commit("did:x", Self.rev(-100), seq: 1), at: 0)
        _ = c.observe(side: 1, Self.commit("did:x", Self.rev(-100), seq: 1), at: 0)
        let forged = Self.rev(100)
        _ = c.observe(side: 0, Self.commit("did:x", forged, seq: 2), at: 1)
        c.rejected(type: "commit", did: "did:x", rev: forged)
        var found: [RelayDivergence] = []
        for i in 0..<5 {
            found += c.observe(side: 0, Self.commit("did:x", Self.rev(-50 + Int64(i)), seq: Int64(3 + i)), at: Int64(2 + i))
            found += c.observe(side: 1, Self.commit("did:x", Self.rev(-50 + Int64(i)), seq: Int64(2 + i)), at: Int64(2 + i))
        }
        found += c.finish(at: 1000 * Self.second)
        #expect(found.map(\.kind) == [.missing], "only the rejected commit is missing on b")
        #expect(c.counts.total(.reordered) == 0)
    }

    @Test func unmatchedEventsAreBoundedAndTheOldestIsGivenUpOnFirst() {
        var c = Self.comparison(capacity: 3)
        _ = c.observe(side: 0, Self.commit("did:x", "2222222222221", seq: 1), at: 0)
        _ = c.observe(side: 1, Self.commit("did:x", "2222222222221", seq: 1), at: 0)
        var found: [RelayDivergence] = []
        for i in 2...6 {
            found += c.observe(side: 0, Self.commit("did:x", "22222222222\(i)2", seq: Int64(i)), at: Int64(i))
        }
        #expect(found.map(\.kind) == [.missing, .missing])
        #expect(found.compactMap(\.event?.seq) == [2, 3])
        let end = c.finish(at: 7)
        #expect(end.isEmpty)
        #expect(c.counts.unconfirmed == [3, 0])
    }
}
