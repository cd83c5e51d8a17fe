public import FirehoseAudit
public import FirehoseSync
public import Metrics
import Synchronization

/// Where the service records its metrics (names in ``BreakwaterMetricNames``), through the swift-metrics API.
///
/// Nothing is exported unless the executable bootstrapped a metrics backend (`MetricsSystem.bootstrap`) before
/// creating the instance it passes to the pipeline, the subscription and the other recorders; otherwise every call
/// is a no-op of the default backend. Handles with labels are
/// created once per label set and reused, so recording on the hot path is a dictionary look-up at most.
public final class IngestMetrics: Sendable {
    private let counters = Mutex<[String: Counter]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])
    private let verificationTimer = Timer(label: BreakwaterMetricNames.verificationDuration)
    private let commitsVerifiedCounter = Counter(label: BreakwaterMetricNames.commitsVerified)
    private let cursorGauge = Gauge(label: BreakwaterMetricNames.cursor)
    private let lagGauge = Gauge(label: BreakwaterMetricNames.upstreamLag)
    private let reconnectCounter = Counter(label: BreakwaterMetricNames.reconnects)
    private let gapCounter = Counter(label: BreakwaterMetricNames.seqGaps)
    private let duplicateCounter = Counter(label: BreakwaterMetricNames.seqDuplicates)
    private let droppedCounter = Counter(label: BreakwaterMetricNames.webhookDropped)
    private let queueGauges: [String: Gauge] = Dictionary(uniqueKeysWithValues: [
        BreakwaterMetricNames.Queue.inFlight, BreakwaterMetricNames.Queue.reorder, BreakwaterMetricNames.Queue.batch,
        BreakwaterMetricNames.Queue.webhook,
    ].map { ($0, Gauge(label: BreakwaterMetricNames.queueDepth, dimensions: [(BreakwaterMetricNames.Label.queue, $0)])) })

    /// Creates a set of handles from the current metrics backend (bootstrap the backend first). Series
    /// with a fixed set of label values are created at once, so they are exported (at 0) before first use.
    public init() {
        let result = BreakwaterMetricNames.Label.result
        for value in [BreakwaterMetricNames.ResyncResult.started, BreakwaterMetricNames.ResyncResult.succeeded,
                      BreakwaterMetricNames.ResyncResult.failed] {
            _ = counter(BreakwaterMetricNames.resyncs, [(result, value)])
        }
        for value in [BreakwaterMetricNames.CacheResult.hit, BreakwaterMetricNames.CacheResult.miss] {
            _ = counter(BreakwaterMetricNames.identityCacheLookups, [(result, value)])
        }
        for outcome in [Outcome.rejected, Outcome.desynchronized] {
            _ = counter(BreakwaterMetricNames.alerts, [(BreakwaterMetricNames.Label.outcome, outcome.rawValue)])
        }
        for gauge in queueGauges.values { gauge.record(0) }
    }

    /// A counter of `name` with `dimensions`, created on first use.
    public func counter(_ name: String, _ dimensions: [(String, String)]) -> Counter {
        let key = name + "\u{1}" + dimensions.map { $0.0 + "=" + $0.1 }.joined(separator: "\u{1}")
        return counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: name, dimensions: dimensions)
            cache[key] = counter
            return counter
        }
    }

    private func gauge(_ name: String, _ dimensions: [(String, String)]) -> Gauge {
        let key = name + "\u{1}" + dimensions.map { $0.0 + "=" + $0.1 }.joined(separator: "\u{1}")
        return gauges.withLock { cache in
            if let gauge = cache[key] { return gauge }
            let gauge = Gauge(label: name, dimensions: dimensions)
            cache[key] = gauge
            return gauge
        }
    }

    /// Counts outcome lines that were just stored: events by type, outcome and reason, verified commits, and
    /// conformance warnings by kind.
    public func stored<Lines: Sequence>(_ lines: Lines) where Lines.Element == OutcomeLine {
        var counts: [OutcomeKey: Int64] = [:]
        var warnings: [ConformanceWarning: Int64] = [:]
        for line in lines {
            counts[OutcomeKey(type: line.type, outcome: line.outcome, reason: line.reason), default: 0] += 1
            for warning in line.warnings { warnings[warning, default: 0] += 1 }
        }
        for (warning, count) in warnings {
            counter(BreakwaterMetricNames.warnings, [(BreakwaterMetricNames.Label.kind, warning.rawValue)]).increment(by: count)
        }
        for (key, count) in counts {
            counter(BreakwaterMetricNames.events, [
                (BreakwaterMetricNames.Label.type, key.type.rawValue),
                (BreakwaterMetricNames.Label.outcome, key.outcome.rawValue),
                (BreakwaterMetricNames.Label.reason, key.reason?.rawValue ?? "none"),
            ]).increment(by: count)
            if key.type == .commit && key.outcome == .verified { commitsVerifiedCounter.increment(by: count) }
        }
    }

    private struct OutcomeKey: Hashable {
        var type: EventType
        var outcome: Outcome
        var reason: Reason?
    }

    /// Records how long verifying one event took.
    public func verified(nanoseconds: Int64) { verificationTimer.recordNanoseconds(nanoseconds) }

    /// Sets the depth of a queue (``BreakwaterMetricNames/Queue``).
    public func queueDepth(_ queue: String, _ depth: Int) {
        (queueGauges[queue] ?? gauge(BreakwaterMetricNames.queueDepth, [(BreakwaterMetricNames.Label.queue, queue)])).record(depth)
    }

    /// Sets the stored cursor.
    public func cursor(_ position: Int64) { cursorGauge.record(position) }

    /// Sets the upstream lag from an event's `time` and now (both µs since the Unix epoch).
    public func upstreamLag(eventMicros: Int64, nowMicros: Int64) {
        lagGauge.record(Double(nowMicros - eventMicros) / 1_000_000)
    }

    /// Counts a reconnect to the upstream.
    public func reconnect() { reconnectCounter.increment() }

    /// Counts seq gaps.
    public func seqGaps(_ count: Int) { if count > 0 { gapCounter.increment(by: Int64(count)) } }

    /// Counts frames refused for a seq that does not advance.
    public func seqDuplicates(_ count: Int) { if count > 0 { duplicateCounter.increment(by: Int64(count)) } }

    /// Counts a signing-key look-up answered by the identity cache (`hit`) or needing resolution.
    public func identityCache(hit: Bool) {
        counter(BreakwaterMetricNames.identityCacheLookups, [
            (BreakwaterMetricNames.Label.result, hit ? BreakwaterMetricNames.CacheResult.hit : BreakwaterMetricNames.CacheResult.miss),
        ]).increment()
    }

    /// Counts a resync step (``BreakwaterMetricNames/ResyncResult``).
    public func resync(_ result: String) {
        counter(BreakwaterMetricNames.resyncs, [(BreakwaterMetricNames.Label.result, result)]).increment()
    }

    /// Counts an alert.
    public func alert(_ outcome: Outcome) {
        counter(BreakwaterMetricNames.alerts, [(BreakwaterMetricNames.Label.outcome, outcome.rawValue)]).increment()
    }

    /// Counts a divergence between two relays.
    public func relayDivergence(_ divergence: RelayDivergence) {
        counter(BreakwaterMetricNames.relayDivergences, [(BreakwaterMetricNames.Label.relay, divergence.relay),
                                                         (BreakwaterMetricNames.Label.kind, divergence.kind.rawValue)]).increment()
    }

    /// Counts a webhook POST attempt (``BreakwaterMetricNames/WebhookResult``).
    public func webhookPost(_ result: String) {
        counter(BreakwaterMetricNames.webhookPosts, [(BreakwaterMetricNames.Label.result, result)]).increment()
    }

    /// Counts alerts dropped before reaching the webhook.
    public func webhookDropped(_ count: Int) { if count > 0 { droppedCounter.increment(by: Int64(count)) } }
}
