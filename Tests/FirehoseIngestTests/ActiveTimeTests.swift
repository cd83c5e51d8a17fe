@testable import FirehoseIngest
import FirehoseSync
import Testing

/// Rates are computed over active time: intervals without results longer than a second are waiting, not work.
@Suite struct ActiveTimeTests {
    @Test func waitsLongerThanASecondAreLeftOut() {
        let start = ContinuousClock.now
        var active = ActiveTime()
        active.mark(start)
        active.mark(start.advanced(by: .milliseconds(500)))
        active.mark(start.advanced(by: .milliseconds(900)))
        active.mark(start.advanced(by: .seconds(60)))  // a minute of silence: idle
        active.mark(start.advanced(by: .milliseconds(60_250)))
        #expect(abs(active.seconds - 1.15) < 1e-9)
    }

    @Test func ratesUseTheActiveTimeWhenThereIsOne() {
        var summary = PipelineSummary()
        summary.events = 1_000
        summary.commits = 800
        summary.seconds = 100
        summary.activeSeconds = 2
        #expect(summary.eventsPerSecond == 500 && summary.commitsPerSecond == 400)
        summary.activeSeconds = 0
        #expect(summary.eventsPerSecond == 10, "too little measured: the wall time")
    }
}
