public import FirehoseSync
import Foundation
import Synchronization

/// Resolves the identities of a recording while it is being recorded (Docs/CONTRACT.md §2): a DID is
/// resolved when it first appears and again after each of its `#identity` events, off the receive path, with
/// bounded concurrency. Each answer is kept with the seq of the event that triggered it, so a signing key that
/// changed during the recording becomes key history (`previousKeys` with `beforeSeq`, as `synth` writes it) and
/// replaying the recording checks every event with the key that was current at its seq.
///
/// ``observe(_:)`` never waits: when more than `queueLimit` look-ups are pending, the DID is only remembered and
/// resolved by ``entries(existing:)`` at the end.
public final class LiveIdentityRecorder: Sendable {
    struct Job: Sendable {
        var did: String
        var seq: Int64
    }

    /// One answer of the source.
    struct Observation: Sendable {
        var seq: Int64
        var entry: Data
    }

    struct State {
        var seen: Set<String> = []
        var observations: [String: [Observation]] = [:]
        var deferred: Set<String> = []
        var lookups = 0
    }

    let source: any RecordingIdentitySource
    let concurrency: Int
    private let state = Mutex(State())
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    /// Resolves through `source`, at most `concurrency` look-ups at a time, at most `queueLimit` waiting.
    public init(source: any RecordingIdentitySource, concurrency: Int = 8, queueLimit: Int = 10_000) {
        self.source = source
        self.concurrency = max(1, concurrency)
        let queue = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingOldest(max(1, queueLimit)))
        jobs = queue.stream
        continuation = queue.continuation
    }

    /// Notes a received frame: schedules a look-up for a DID seen for the first time, or one with an `#identity`.
    public func observe(_ peek: FramePeek) {
        guard let did = peek.did else { return }
        let isIdentity = peek.type == "#identity"
        let firstTime = state.withLock { $0.seen.insert(did).inserted }
        guard firstTime || isIdentity else { return }
        let job = Job(did: did, seq: peek.seq ?? -1)
        if case .dropped = continuation.yield(job) {
            state.withLock { _ = $0.deferred.insert(did) }
        }
    }

    /// Look-ups done so far (for progress and tests).
    public var lookups: Int { state.withLock { $0.lookups } }

    /// Resolves scheduled look-ups until ``close()`` was called and the queue is empty.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            var active = 0
            for await job in jobs {
                if active >= concurrency {
                    await group.next()
                    active -= 1
                }
                active += 1
                group.addTask { await self.resolve(job) }
            }
        }
    }

    /// Stops accepting look-ups; ``run()`` returns once the queued ones are done.
    public func close() { continuation.finish() }

    private func resolve(_ job: Job) async {
        let entry = await source.identityJSON(for: job.did)
        state.withLock { s in
            s.lookups += 1
            if let entry { s.observations[job.did, default: []].append(Observation(seq: job.seq, entry: entry)) }
        }
    }

    /// The identities-file entries of every DID seen: the latest answer, plus `previousKeys` for each change of
    /// `signingKey` between answers (ordered by seq). `existing` entries (a continued recording) are kept, and
    /// extended when the key changed since. DIDs never answered are resolved now; those still without an answer
    /// are returned in `missing`.
    func entries(existing: [String: Any]) async -> (entries: [String: Any], missing: [String]) {
        let (seen, observations) = state.withLock { ($0.seen, $0.observations) }
        var merged = existing
        var missing: [String] = []
        var unanswered: [String] = []
        for did in seen.sorted() {
            guard let list = observations[did], !list.isEmpty else {
                if merged[did] == nil { unanswered.append(did) }
                continue
            }
            merged[did] = LiveIdentityRecorder.entry(existing: merged[did] as? [String: Any], observations: list)
        }
        // Resolve the rest now, `concurrency` at a time.
        var results: [String: Data] = [:]
        await withTaskGroup(of: (String, Data?).self) { group in
            var iterator = unanswered.makeIterator()
            for _ in 0..<concurrency {
                guard let did = iterator.next() else { break }
                group.addTask { (did, await self.source.identityJSON(for: did)) }
            }
            while let (did, data) = await group.next() {
                if let data { results[did] = data }
                if let next = iterator.next() {
                    group.addTask { (next, await self.source.identityJSON(for: next)) }
                }
            }
        }
        for did in unanswered {
            if let data = results[did], let object = try? JSONSerialization.jsonObject(with: data) {
                merged[did] = object
            } else {
                missing.append(did)
            }
        }
        return (merged, missing)
    }

    /// Folds answers (any order) into one entry with key history.
    static func entry(existing: [String: Any]?, observations: [Observation]) -> Any {
        let ordered = observations.sorted { $0.seq < $1.seq }
        let objects = ordered.compactMap { (try? JSONSerialization.jsonObject(with: $0.entry)) as? [String: Any] }
        guard var latest = objects.last else { return existing ?? [:] }
        // Without short-form keys there is no history to write: the latest answer stands.
        guard objects.allSatisfy({ $0["signingKey"] is String }) else { return latest }
        var previous: [[String: Any]] = (existing?["previousKeys"] as? [[String: Any]]) ?? []
        var current = existing?["signingKey"] as? String
        for (observation, object) in zip(ordered, objects) {
            let key = object["signingKey"] as! String
            if let before = current, before != key {
                previous.append(["signingKey": before, "beforeSeq": Int(observation.seq)])
            }
            current = key
        }
        if !previous.isEmpty { latest["previousKeys"] = previous }
        return latest
    }
}
