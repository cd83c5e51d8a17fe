@testable import FirehoseIngest
import FirehoseSync
import Testing

/// The pipeline's small parts: the writer's reorder ring, the frame window's byte bound and the workers' mailbox.
@Suite("Pipeline parts")
struct PipelinePartsTests {
    /// Arrival orders of ordinals 0..<n: in order, reversed, interleaved, and far ahead first (the ring grows).
    static let arrivals: [[Int]] = [
        Array(0..<40),
        Array((0..<40).reversed()),
        (0..<40).map { $0 % 2 == 0 ? $0 + 1 : $0 - 1 },
        Array(20..<100) + Array(0..<20),
    ]

    @Test(arguments: arrivals)
    func theReorderRingReleasesResultsInOrdinalOrder(arrival: [Int]) {
        var ring = ReorderRing<Int>(capacity: 4)
        var out: [Int] = []
        for ordinal in arrival {
            ring.insert(ordinal, at: ordinal)
            while let next = ring.popNext() { out.append(next) }
        }
        #expect(out == Array(0..<arrival.count))
        #expect(ring.count == 0)
    }

    @Test func theReorderRingDrainsWhatIsLeftInOrderSkippingGaps() {
        var ring = ReorderRing<Int>(capacity: 4)
        for ordinal in [9, 3, 40, 1] { ring.insert(ordinal, at: ordinal) }
        #expect(ring.popNext() == nil)
        #expect(ring.drain() == [1, 3, 9, 40])
    }

    @Test func theFrameWindowBoundsBytesAndLetsAnOversizedFramePassAlone() {
        let window = FrameWindow(size: 10, bytes: 100)
        #expect(window.tryAcquire(bytes: 60))
        #expect(!window.tryAcquire(bytes: 60), "60 + 60 bytes exceed the budget of 100")
        #expect(window.tryAcquire(bytes: 40))
        window.release(2, bytes: 100)
        #expect(window.tryAcquire(bytes: 500), "a frame larger than the budget passes when nothing is in flight")
        #expect(!window.tryAcquire(bytes: 1), "nothing passes beside it")
        window.release(1, bytes: 500)
        #expect(window.tryAcquire(bytes: 1))
    }

    @Test func theFrameWindowBoundsTheNumberOfFrames() {
        let window = FrameWindow(size: 2, bytes: 1_000)
        #expect(window.tryAcquire(bytes: 1))
        #expect(window.tryAcquire(bytes: 1))
        #expect(!window.tryAcquire(bytes: 1))
        window.release(1, bytes: 1)
        #expect(window.tryAcquire(bytes: 1))
    }

    @Test func aWaiterForTheWindowIsWokenWhenItsFrameFits() async {
        let window = FrameWindow(size: 10, bytes: 100)
        #expect(window.tryAcquire(bytes: 90))
        async let waited: Void = window.acquire(bytes: 50)
        try? await Task.sleep(for: .milliseconds(50))
        window.release(1, bytes: 90)
        await waited
        #expect(!window.tryAcquire(bytes: 60), "the waiter holds 50 of the 100 bytes")
    }

    @Test func theMailboxKeepsOrderAndEndsOnlyWhenClosedAndNoMoreIsExpected() async {
        let mailbox = WorkerMailbox<Int>()
        mailbox.post(1)
        mailbox.post(2)
        mailbox.close()
        #expect(await mailbox.next(expectsMore: false) == 1)
        #expect(await mailbox.next(expectsMore: false) == 2)
        async let late = mailbox.next(expectsMore: true)
        try? await Task.sleep(for: .milliseconds(50))
        mailbox.post(3)
        #expect(await late == 3, "a worker with a job out keeps waiting after the reader closed")
        #expect(await mailbox.next(expectsMore: false) == nil)
    }
}
