import FirehoseAudit
import FirehoseSync
import Testing

/// The lag figures are about live delivery: an event more than a day old on arrival (a served recording, a
/// backfill) is counted as backfill and kept out of the lag mean, maximum and buckets.
@Suite struct RelayHealthLagTests {
    static let now: Int64 = 1_780_000_000_000_000

    @Test func eventsOlderThanADayAreBackfillNotLag() {
        var tracker = RelayHealthTracker()
        let ages: [Int64] = [200, 1_500, 86_400_000 + 1, 338 * 86_400_000, 40]  // ms
        for (i, age) in ages.enumerated() {
            tracker.observe(seq: Int64(i + 1), receipt: EventReceipt(host: nil, receivedMicros: Self.now,
                                                                      eventMicros: Self.now - age * 1000, connection: 1, fromNetwork: true))
        }
        let health = tracker.take()
        #expect(health.frames == 5)
        #expect(health.backfillEvents == 2)
        #expect(health.lagCount == 3)
        #expect(health.lagMaxMillis == 1_500)
        #expect(health.meanLagMillis == Double(200 + 1_500 + 40) / 3)
        #expect(health.lagBuckets.reduce(0, +) == 3)
    }

    @Test func exactlyADayOldIsStillLag() {
        var health = RelayHealthDelta()
        health.addLag(millis: RelayHealthDelta.backfillAgeMillis)
        #expect(health.lagCount == 1 && health.backfillEvents == 0)
    }

    @Test func recordingsReadFromDiskCountNeither() {
        var tracker = RelayHealthTracker()
        tracker.observe(seq: 1, receipt: EventReceipt(host: nil, receivedMicros: Self.now, eventMicros: 0, connection: 0))
        let health = tracker.take()
        #expect(health.lagCount == 0 && health.backfillEvents == 0)
    }
}
