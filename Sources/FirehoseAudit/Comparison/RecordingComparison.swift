import FirehoseSync

/// `breakwater audit compare A B` (Docs/CONTRACT.md §1): two recordings of the same period from two relays (or
/// one relay twice), compared event by event. Events are matched by account and rev (identity and account
/// events by their body without `seq`), never by seq, since two relays number the stream differently.
///
/// Reported: events present in one recording and missing in the other, events delivered twice within one
/// recording (a difference only when the other does not repeat them as often), events of one account in a different order (the fewest moves: those outside the longest run
/// kept in order), matched events whose commit, blocks, ops, `prevData` or `since` differ, and each
/// recording's own seq gaps and regressions.
///
/// Memory: recording A is held as one small summary per event (key, position, field digests; no blocks);
/// B is streamed. Pure: the recordings come in as ``RecordedFrames`` (the ingest reads them from files in bounded
/// chunks).
public struct RecordingComparison: Sendable {
    /// A seq jump of more than one within a recording.
    public struct SeqGap: Sendable, Hashable {
        /// The seq before the jump.
        public var after: Int64
        /// The seq after it.
        public var next: Int64
        /// Frame index of the frame after the jump.
        public var index: Int
        /// Seqs skipped.
        public var missing: Int64 { next - after - 1 }
    }

    /// A frame whose seq is not above the previous one.
    public struct SeqRegression: Sendable, Hashable {
        /// Its seq.
        public var seq: Int64
        /// The highest seq before it.
        public var previous: Int64
        /// Its frame index.
        public var index: Int
    }

    /// What one recording holds.
    public struct Side: Sendable {
        /// The path compared.
        public var path: String
        /// Frames read.
        public var frames = 0
        /// Account events (keyed).
        public var events = 0
        /// Frames that do not decode.
        public var undecodable = 0
        /// Other frames (info, error, unknown types).
        public var other = 0
        /// Seq gaps.
        public var gaps: [SeqGap] = []
        /// Seq regressions (duplicates or out of order).
        public var regressions: [SeqRegression] = []
        /// Events delivered again after their first copy in the same recording.
        public var duplicates: [ComparedEvent.Reference] = []
        /// How many extra copies of each event the recording holds (by matching key).
        public var repeats: [String: Int] = [:]
        /// Whether the recording ends inside a frame.
        public var truncated = false
    }

    /// An event of one account delivered in a different order.
    public struct Reordered: Sendable, Hashable {
        /// In A.
        public var a: ComparedEvent.Reference
        /// In B.
        public var b: ComparedEvent.Reference
    }

    /// A matched event whose fields differ.
    public struct Difference: Sendable, Hashable {
        /// In A.
        public var a: ComparedEvent.Reference
        /// In B.
        public var b: ComparedEvent.Reference
        /// The differing fields, sorted (`blocks`, `commit`, `ops`, `prevData`, `since`).
        public var fields: [String]
    }

    /// Recording A.
    public var a: Side
    /// Recording B.
    public var b: Side
    /// Events matched in both.
    public var matched = 0
    /// In A, missing from B (A order).
    public var missingFromB: [ComparedEvent.Reference] = []
    /// In B, missing from A (B order).
    public var missingFromA: [ComparedEvent.Reference] = []
    /// Out-of-order events (B order).
    public var reordered: [Reordered] = []
    /// Matched events that differ (B order).
    public var differing: [Difference] = []

    /// Whether the recordings agree: no missing, reordered or differing events, and each repeats the same events
    /// as often as the other (so a recording compared with itself agrees, even with duplicates of its own); seq gaps
    /// and regressions are each relay's own and do not count.
    public var isEquivalent: Bool {
        missingFromA.isEmpty && missingFromB.isEmpty && reordered.isEmpty && differing.isEmpty && sameRepeats
    }

    /// Whether both recordings repeat the same events the same number of times (none at all included).
    public var sameRepeats: Bool { a.repeats == b.repeats }

    /// Compares recording `a` (read from `pathA`) with recording `b` (read from `pathB`); the paths only name the sides.
    public static func compare(_ a: some RecordedFrames, path pathA: String, _ b: some RecordedFrames, path pathB: String) throws -> RecordingComparison {
        var result = RecordingComparison(a: Side(path: pathA), b: Side(path: pathB))
        var sideA = Side(path: pathA)
        var sideB = Side(path: pathB)
        var duplicatesA: [ComparedEvent.Reference] = []
        var duplicatesB: [ComparedEvent.Reference] = []
        var repeatsA: [String: Int] = [:]
        var repeatsB: [String: Int] = [:]
        // A: index every event.
        var entries: [String: Entry] = [:]
        var orderA: [String] = []
        var perAccountA: [String: Int] = [:]
        try read(a, side: &sideA) { event in
            if entries[event.key] != nil {
                duplicatesA.append(event.reference)
                repeatsA[event.key, default: 0] += 1
                return
            }
            let position = perAccountA[event.reference.did, default: 0]
            perAccountA[event.reference.did] = position + 1
            entries[event.key] = Entry(event: event, position: position)
            orderA.append(event.key)
        }
        // B: stream and match.
        var seenB: Set<String> = []
        var perAccountB: [String: [(position: Int, a: ComparedEvent.Reference, b: ComparedEvent.Reference)]] = [:]
        try read(b, side: &sideB) { event in
            guard seenB.insert(event.key).inserted else {
                duplicatesB.append(event.reference)
                repeatsB[event.key, default: 0] += 1
                return
            }
            guard var entry = entries[event.key] else {
                result.missingFromA.append(event.reference)
                return
            }
            entry.matched = true
            entries[event.key] = entry
            result.matched += 1
            let names = Set(entry.event.fields.keys).union(event.fields.keys)
            let differing = names.filter { entry.event.fields[$0] != event.fields[$0] }.sorted()
            if !differing.isEmpty {
                result.differing.append(Difference(a: entry.event.reference, b: event.reference, fields: differing))
            }
            perAccountB[event.reference.did, default: []].append((entry.position, entry.event.reference, event.reference))
        }
        sideA.duplicates = duplicatesA
        sideB.duplicates = duplicatesB
        sideA.repeats = repeatsA
        sideB.repeats = repeatsB
        result.a = sideA
        result.b = sideB
        for key in orderA {
            if let entry = entries[key], !entry.matched { result.missingFromB.append(entry.event.reference) }
        }
        var reordered: [Reordered] = []
        for (_, events) in perAccountB where events.count > 1 {
            let kept = longestIncreasingRun(events.map(\.position))
            for (i, event) in events.enumerated() where !kept.contains(i) {
                reordered.append(Reordered(a: event.a, b: event.b))
            }
        }
        result.reordered = reordered.sorted { $0.b.index < $1.b.index }
        return result
    }

    /// An event of recording A while B is matched against it.
    struct Entry {
        var event: ComparedEvent
        /// Its position within its account's events in A.
        var position: Int
        var matched = false
    }

    /// Reads a recording, counting frames and seq anomalies (judged by ``SeqOrder``), and hands each account event to `body`.
    static func read(_ recording: some RecordedFrames, side: inout Side, _ body: (ComparedEvent) -> Void) throws {
        var frames = recording
        var order = SeqOrder()
        var index = 0
        while let bytes = try frames.next() {
            defer { index += 1 }
            side.frames += 1
            let seq: Int64?
            switch ComparedEvent.summarize(bytes, index: index) {
            case .undecodable:
                side.undecodable += 1
                seq = nil
            case .other(let s):
                side.other += 1
                seq = s
            case .event(let event):
                side.events += 1
                seq = event.reference.seq
                body(event)
            }
            guard let seq else { continue }
            switch order.observe(seq) {
            case .regression(let previous): side.regressions.append(SeqRegression(seq: seq, previous: previous, index: index))
            case .gap(let previous, _): side.gaps.append(SeqGap(after: previous, next: seq, index: index))
            case .first, .next: break
            }
        }
        side.truncated = frames.endsInsideFrame
    }

    /// The indices of one longest strictly increasing subsequence of `values` (patience sorting).
    static func longestIncreasingRun(_ values: [Int]) -> Set<Int> {
        var tails: [Int] = []  // index into values of the smallest tail of each length
        var previous = [Int](repeating: -1, count: values.count)
        for (i, value) in values.enumerated() {
            var low = 0
            var high = tails.count
            while low < high {
                let mid = (low + high) / 2
                if values[tails[mid]] < value { low = mid + 1 } else { high = mid }
            }
            if low > 0 { previous[i] = tails[low - 1] }
            if low == tails.count { tails.append(i) } else { tails[low] = i }
        }
        var kept: Set<Int> = []
        var cursor = tails.last ?? -1
        while cursor >= 0 {
            kept.insert(cursor)
            cursor = previous[cursor]
        }
        return kept
    }
}
