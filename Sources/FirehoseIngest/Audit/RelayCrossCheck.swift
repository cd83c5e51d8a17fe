public import FirehoseAudit
public import FirehoseSync
public import Logging
public import ServiceLifecycle
import Synchronization

/// Compares a second relay's stream with the one being verified, live (`consume --relay A --relay B`):
/// a ``Service`` that subscribes to the second relay from its live end, takes each frame of the first
/// relay from ``observeFirst(_:)`` (called by the ingest as frames arrive), and raises every
/// ``RelayDivergence`` a ``LiveRelayComparison`` finds as an alert.
///
/// The second relay's frames are only compared, never verified or stored. Alerts are limited to
/// `alertsPerSweep` per sweep interval; the rest are counted (metrics and ``counts``) and summarized in one log line.
public final class RelayCrossCheck: Service, Sendable {
    /// The second relay's subscription.
    public let second: any FrameSubscription
    /// How often waiting events are checked against the window.
    public let sweepInterval: Duration
    /// Alerts raised per sweep interval at most.
    public let alertsPerSweep: Int
    let report: @Sendable (RelayDivergence) -> Void
    let logger: Logger
    let metrics: IngestMetrics
    private let state: Mutex<(comparison: LiveRelayComparison, secondFrames: Int, raised: Int, suppressed: Int)>

    /// Creates a cross-check of `firstRelay` (the verified stream) against `second`; `report` raises one alert.
    public init(firstRelay: String, second: any FrameSubscription, window: Duration, capacity: Int = 200_000,
                sweepInterval: Duration = .seconds(1), alertsPerSweep: Int = 100, logger: Logger,
                metrics: IngestMetrics = IngestMetrics(), report: @escaping @Sendable (RelayDivergence) -> Void) {
        self.second = second
        self.metrics = metrics
        self.sweepInterval = sweepInterval
        self.alertsPerSweep = alertsPerSweep
        self.report = report
        self.logger = logger
        let micros = window.components.seconds * 1_000_000 + window.components.attoseconds / 1_000_000_000_000
        state = Mutex((LiveRelayComparison(first: firstRelay, second: second.upstream,
                                           windowMicros: micros, capacity: capacity, now: { WallClock.nowMicros() }), 0, 0, 0))
    }

    /// The comparison's running totals.
    public var counts: LiveRelayComparison.Counts { state.withLock { $0.comparison.counts } }
    /// Whether the first event both relays delivered has arrived.
    public var started: Bool { state.withLock { $0.comparison.started } }
    /// Frames received from the second relay.
    public var secondFrames: Int { state.withLock { $0.secondFrames } }

    /// Takes a frame of the first relay as it arrives.
    public func observeFirst(_ frame: IncomingFrame) {
        observe(side: 0, frame)
    }

    /// Takes the verifier's outcome for a frame of the first relay: a rejected commit or sync never stays a rev
    /// baseline of the reorder rule (``LiveRelayComparison/rejected(type:did:rev:)``).
    public func verified(_ line: OutcomeLine) {
        guard line.outcome == .rejected, line.type == .commit || line.type == .sync, let did = line.did, let rev = line.rev else { return }
        state.withLock { $0.comparison.rejected(type: line.type.rawValue, did: did, rev: rev) }
    }

    private func observe(side: Int, _ frame: IncomingFrame) {
        let summary = ComparedEvent.summarize(frame.bytes, index: frame.index)
        let found = state.withLock { s in
            if side == 1 { s.secondFrames += 1 }
            return s.comparison.observe(side: side, summary, at: WallClock.nowMicros())
        }
        raise(found)
    }

    /// Runs the second subscription and the sweeps until cancelled or shut down gracefully, then ends the
    /// comparison (events still waiting for their copy are counted as unconfirmed, not reported).
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    _ = try await cancelWhenGracefulShutdown {
                        try await self.second.run(cursor: nil) { frame in
                            self.observe(side: 1, frame)
                            return true
                        }
                    }
                } catch is CancellationError {
                } catch {
                    // Verification goes on; from now on the first relay's events are reported missing on the second.
                    self.logger.error("second relay subscription ended", metadata: ["error": "\(error)"])
                    try? await gracefulShutdown()
                }
            }
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: self.sweepInterval)
                    self.sweep()
                }
            }
            await group.next()
            group.cancelAll()
        }
        let found = state.withLock { $0.comparison.finish(at: WallClock.nowMicros()) }
        raise(found)
        flushSuppressed()
    }

    private func sweep() {
        let found = state.withLock { $0.comparison.sweep(at: WallClock.nowMicros()) }
        flushSuppressed()
        raise(found)
    }

    private func raise(_ found: [RelayDivergence]) {
        guard !found.isEmpty else { return }
        let allowed = state.withLock { s -> Int in
            let allowed = max(0, min(found.count, alertsPerSweep - s.raised))
            s.raised += allowed
            s.suppressed += found.count - allowed
            return allowed
        }
        for divergence in found.prefix(allowed) { report(divergence) }
        for divergence in found.dropFirst(allowed) { metrics.relayDivergence(divergence) }
    }

    private func flushSuppressed() {
        let suppressed = state.withLock { s -> Int in
            defer {
                s.raised = 0
                s.suppressed = 0
            }
            return s.suppressed
        }
        if suppressed > 0 {
            logger.warning("relay divergences beyond the alert limit", metadata: ["alert.suppressed": .stringConvertible(suppressed)])
        }
    }
}
