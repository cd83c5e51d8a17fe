import FirehoseSync
import Testing

/// The stream-order judge's rules.
@Suite("seq order")
struct SeqOrderTests {
    @Test func theFirstSeqHasNothingToCompareWith() {
        var order = SeqOrder()
        #expect(order.observe(10) == .first)
        #expect(order.last == 10)
    }

    @Test func oneAboveTheHighestIsTheNextSeq() {
        var order = SeqOrder(last: 10)
        #expect(order.observe(11) == .next)
        #expect(order.last == 11)
    }

    @Test func aJumpIsAGapThatCountsTheSkippedSeqs() {
        var order = SeqOrder(last: 10)
        #expect(order.observe(14) == .gap(previous: 10, missing: 3))
        #expect(order.last == 14)
    }

    @Test func aSeqNotAboveTheHighestIsARegressionAndTheHighestStays() {
        var order = SeqOrder(last: 10)
        #expect(order.observe(10) == .regression(previous: 10))
        #expect(order.observe(3) == .regression(previous: 10))
        #expect(order.last == 10)
        #expect(order.observe(11) == .next)
    }

    @Test func judgingDoesNotTakeTheSeqIntoAccount() {
        let order = SeqOrder(last: 10)
        #expect(order.judge(12) == .gap(previous: 10, missing: 1))
        #expect(order.last == 10)
        #expect(!SeqOrder.Judgement.regression(previous: 1).advances)
    }

    @Test func theHighestPossibleSeqNeverOverflows() {
        var order = SeqOrder(last: .max)
        #expect(order.observe(.max) == .regression(previous: .max))
    }
}
