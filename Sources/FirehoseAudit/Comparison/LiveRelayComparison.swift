import ATSyntax
import DequeModule
import FirehoseSync
import IPLD

/// Compares two relays' streams as they arrive (`consume --relay A --relay B`). Pure: the caller
/// feeds frames summarized by ``ComparedEvent/summarize(_:index:)`` with their arrival time and sweeps
/// periodically; every call returns the divergences it found.
///
/// Events are matched by account and rev (identity and account events by their body without `seq`), as in
/// `audit compare`. The comparison starts at the first event both relays delivered (the two subscriptions
/// start at different points of the stream: one may resume from a stored cursor, the other starts live), and
/// events each relay delivered before that one are not compared. A divergence is something one relay did and
/// the other did not: two relays that deliver the same stream raise nothing, whatever that stream holds.
///
/// - `missing`: one relay delivered an event the other did not within `window` (reported on the other);
/// - `duplicate`: one relay delivered an event once more than the other within `window` (the n-th copy of one
///   relay matches the n-th copy of the other, so a repeat both relays make is not reported);
/// - `reordered`: a commit or sync whose rev is below one the same relay delivered before for that account,
///   when the other relay's copy came in order (or never came); both out of order the same way is agreement;
/// - `differs`: a matched event whose commit, blocks, ops, `prevData` or `since` differ;
/// - `seq-gap`: a seq jump of more than one.
///
/// The per-account rev baseline of `reordered` is only set by events that may be valid: never by a rev more than
/// five minutes ahead of `now` (the verifier rejects it as `future-rev`), and an event the verifier rejected
/// (``rejected(type:did:rev:)``) is taken back out of it, so one bad commit dated 2099 does not turn every later
/// commit of its account into a reorder.
///
/// Memory is bounded: at most `capacity` unmatched events per relay (beyond, the oldest is reported missing at
/// once) and `capacity` remembered matches, copies and per-account revs (oldest forgotten first).
public struct LiveRelayComparison: Sendable {
    /// The two relays: 0 is the first (`--relay` given first), 1 the second.
    public let relays: [String]
    /// How long an event may wait for its copy from the other relay (µs).
    public let windowMicros: Int64
    /// The bound on unmatched events per relay and on remembered keys.
    public let capacity: Int
    /// The clock of the future-rev rule (µs since the Unix epoch).
    let now: @Sendable () -> Int64

    /// Running totals.
    public struct Counts: Sendable, Hashable {
        /// Events delivered by both relays.
        public var matched = 0
        /// Divergences found, by kind, per relay (index as in ``LiveRelayComparison/relays``).
        public var divergences: [[RelayDivergence.Kind: Int]] = [[:], [:]]
        /// Events delivered before the comparison started (before the first event both relays delivered).
        public var beforeStart = [0, 0]
        /// Events that arrived after their copy from the other relay had already been reported missing.
        public var late = [0, 0]
        /// Events still waiting for their copy when the comparison finished (not reported).
        public var unconfirmed = [0, 0]
        /// Frames that did not decode, per relay.
        public var undecodable = [0, 0]

        /// The total of one kind over both relays.
        public func total(_ kind: RelayDivergence.Kind) -> Int { divergences.reduce(0) { $0 + ($1[kind] ?? 0) } }
    }

    /// Running totals.
    public private(set) var counts = Counts()
    /// Whether the first event both relays delivered has arrived.
    public private(set) var started = false

    struct Pending {
        var event: ComparedEvent
        var arrivedAt: Int64
        var order: Int
        /// Which delivery of the event by its relay this is (1 for the first).
        var copy: Int
        /// Why the event came out of order on its relay (its rev below the baseline), if it did.
        var outOfOrder: String?
    }

    /// The highest rev a relay delivered for an account, from an event that may be valid.
    struct Baseline: Sendable {
        var rev: String
        var key: String
        var previous: (rev: String, key: String)?
    }

    private var pending: [[String: Pending]] = [[:], [:]]
    private var arrivals: [Deque<(key: String, order: Int, at: Int64)>] = [Deque(), Deque()]
    private var nextOrder = [0, 0]
    // Memories forgetting the oldest inserted key first: read and written through the order-keeping subscript.
    private var matched: BoundedLRU<String, Void>
    private var reportedMissing: BoundedLRU<String, Int>  // copy key → the relay it was missing on
    private var copies: [BoundedLRU<String, Int>]
    private var lastRev: [BoundedLRU<String, Baseline>]
    private var rejectedKeys: BoundedLRU<String, Void>
    private var order = [SeqOrder(), SeqOrder()]

    /// Creates a comparison of `first` and `second`; `now` (µs since the epoch) dates the future-rev rule.
    public init(first: String, second: String, windowMicros: Int64, capacity: Int = 200_000,
                now: @escaping @Sendable () -> Int64) {
        relays = [first, second]
        self.windowMicros = windowMicros
        self.capacity = max(1, capacity)
        self.now = now
        matched = BoundedLRU(capacity: self.capacity)
        reportedMissing = BoundedLRU(capacity: self.capacity)
        rejectedKeys = BoundedLRU(capacity: self.capacity)
        lastRev = [BoundedLRU(capacity: self.capacity), BoundedLRU(capacity: self.capacity)]
        copies = [BoundedLRU(capacity: self.capacity), BoundedLRU(capacity: self.capacity)]
    }

    /// The key of the `copy`-th delivery of the event `key` by one relay.
    static func copyKey(_ key: String, _ copy: Int) -> String { copy == 1 ? key : "\(key)#\(copy)" }

    /// Takes one frame delivered by relay `side` (0 or 1) at `micros`.
    public mutating func observe(side: Int, _ frame: ComparedEvent.Kind, at micros: Int64) -> [RelayDivergence] {
        precondition(side == 0 || side == 1, "side is 0 or 1")
        var found: [RelayDivergence] = []
        let seq: Int64?
        switch frame {
        case .undecodable:
            counts.undecodable[side] += 1
            return []
        case .other(let s): seq = s
        case .event(let event): seq = event.reference.seq
        }
        if let seq, case .gap(let last, let missing) = order[side].observe(seq) {
            found.append(divergence(.seqGap, side: side, nil, detail: "seq \(last) → \(seq): \(missing) missing"))
        }
        guard case .event(let event) = frame else { return found }
        let other = 1 - side
        let copy = (copies[side][event.key] ?? 0) + 1
        copies[side][event.key] = copy
        let key = Self.copyKey(event.key, copy)
        let outOfOrder = copy == 1 ? track(side: side, event) : nil

        if let counterpart = pending[other].removeValue(forKey: key) {
            counts.matched += 1
            matched[key] = ()
            if !started {
                started = true
                dropEarlier(side: other, than: counterpart.order)
                dropEarlier(side: side, than: nextOrder[side])
            }
            let names = Set(counterpart.event.fields.keys).union(event.fields.keys)
            let differing = names.filter { counterpart.event.fields[$0] != event.fields[$0] }.sorted()
            if !differing.isEmpty {
                let second = side == 1 ? event.reference : counterpart.event.reference
                found.append(divergence(.differs, side: 1, second, detail: "differs in " + differing.joined(separator: ", ")))
            }
            // Out of order on one relay only: the other delivered the account's events in order.
            if let outOfOrder, counterpart.outOfOrder == nil {
                found.append(divergence(.reordered, side: side, event.reference, detail: outOfOrder))
            } else if let earlier = counterpart.outOfOrder, outOfOrder == nil {
                found.append(divergence(.reordered, side: other, counterpart.event.reference, detail: earlier))
            }
            return found
        }
        if reportedMissing[key] == side {
            counts.late[side] += 1
            reportedMissing[key] = nil
            return found
        }
        let order = nextOrder[side]
        nextOrder[side] += 1
        pending[side][key] = Pending(event: event, arrivedAt: micros, order: order, copy: copy, outOfOrder: outOfOrder)
        arrivals[side].append((key, order, micros))
        // Bounded: beyond capacity the oldest unmatched event is given up on now.
        while pending[side].count > capacity, let oldest = arrivals[side].popFirst() {
            if let expired = take(side: side, key: oldest.key, order: oldest.order) {
                if started { found += unmatched(expired, deliveredBy: side) } else { counts.beforeStart[side] += 1 }
            }
        }
        return found
    }

    /// Takes an event the verifier rejected (the first relay's `rejected` outcome) out of the rev baselines, and
    /// keeps its copies from setting one later.
    public mutating func rejected(type: String, did: String, rev: String) {
        let key = "\(type)|\(did)|\(rev)"
        rejectedKeys[key] = ()
        for side in 0...1 {
            guard let baseline = lastRev[side][did], baseline.key == key else { continue }
            lastRev[side][did] = baseline.previous.map { Baseline(rev: $0.rev, key: $0.key, previous: nil) }
        }
    }

    /// The rev rule for a first delivery: why the event is out of order on `side`, or nil (then its rev becomes the
    /// account's baseline, unless the event cannot be valid).
    private mutating func track(side: Int, _ event: ComparedEvent) -> String? {
        guard let rev = event.reference.rev, event.reference.type == "commit" || event.reference.type == "sync" else { return nil }
        let did = event.reference.did
        let baseline = lastRev[side][did]
        if let baseline, rev < baseline.rev { return "rev \(rev) after rev \(baseline.rev)" }
        guard !rejectedKeys.contains(event.key), !Self.isFuture(rev, now: now()) else { return nil }
        lastRev[side][did] = Baseline(rev: rev, key: event.key, previous: baseline.map { ($0.rev, $0.key) })
        return nil
    }

    /// Whether `rev` is dated more than the verifier's tolerance ahead of `now` (such an event is `future-rev`).
    static func isFuture(_ rev: String, now: Int64) -> Bool {
        guard let tid = try? TID(rev) else { return true }
        return Int64(clamping: tid.microseconds) > now + VerificationTime.futureRevTolerance
    }

    /// Reports the events that waited longer than the window for their copy (only once the comparison started).
    public mutating func sweep(at micros: Int64) -> [RelayDivergence] {
        guard started else { return [] }
        var found: [RelayDivergence] = []
        for side in 0...1 {
            while let first = arrivals[side].first, first.at + windowMicros <= micros {
                _ = arrivals[side].popFirst()
                if let expired = take(side: side, key: first.key, order: first.order) {
                    found += unmatched(expired, deliveredBy: side)
                }
            }
        }
        return found
    }

    /// Ends the comparison at `micros`: sweeps, then counts what still waits as unconfirmed.
    public mutating func finish(at micros: Int64) -> [RelayDivergence] {
        let found = sweep(at: micros)
        for side in 0...1 {
            counts.unconfirmed[side] += started ? pending[side].count : 0
            if !started { counts.beforeStart[side] += pending[side].count }
            pending[side] = [:]
            arrivals[side] = Deque()
        }
        return found
    }

    private mutating func take(side: Int, key: String, order: Int) -> Pending? {
        guard let entry = pending[side][key], entry.order == order else { return nil }
        pending[side][key] = nil
        return entry
    }

    private mutating func dropEarlier(side: Int, than order: Int) {
        while let first = arrivals[side].first, first.order < order {
            _ = arrivals[side].popFirst()
            if take(side: side, key: first.key, order: first.order) != nil { counts.beforeStart[side] += 1 }
        }
    }

    /// What an event `side` delivered and the other relay did not is: a `duplicate` on `side` when it was a repeat,
    /// else `missing` on the other relay (and `reordered` on `side` when it also came out of order there).
    private mutating func unmatched(_ entry: Pending, deliveredBy side: Int) -> [RelayDivergence] {
        let lacking = 1 - side
        let key = Self.copyKey(entry.event.key, entry.copy)
        reportedMissing[key] = lacking
        let seconds = Double(windowMicros) / 1_000_000
        if entry.copy > 1 {
            return [divergence(.duplicate, side: side, entry.event.reference,
                               detail: "delivered again (copy \(entry.copy)); \(relays[lacking]) did not repeat it within \(seconds) s")]
        }
        var found = [divergence(.missing, side: lacking, entry.event.reference,
                                detail: "delivered by \(relays[side]) (seq \(entry.event.reference.seq.map(String.init) ?? "-")), not by this relay within \(seconds) s")]
        if let outOfOrder = entry.outOfOrder {
            found.append(divergence(.reordered, side: side, entry.event.reference, detail: outOfOrder))
        }
        return found
    }

    private mutating func divergence(_ kind: RelayDivergence.Kind, side: Int, _ event: ComparedEvent.Reference?, detail: String) -> RelayDivergence {
        counts.divergences[side][kind, default: 0] += 1
        return RelayDivergence(kind: kind, relay: relays[side], event: event, detail: detail)
    }
}
