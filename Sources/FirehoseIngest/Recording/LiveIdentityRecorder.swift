import ATIdentity
import ATSyntax
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
    /// (or whose answers are not identities-file entries) are returned in `missing`.
    func entries(existing: StaticIdentities) async -> (identities: StaticIdentities, missing: [String]) {
        let (seen, observations) = state.withLock { ($0.seen, $0.observations) }
        var merged = existing
        var missing: [String] = []
        var unanswered: [String] = []
        for name in seen.sorted() {
            guard let did = try? DID(name) else {
                missing.append(name)
                continue
            }
            guard let list = observations[name], !list.isEmpty else {
                if merged.entries[did] == nil { unanswered.append(name) }
                continue
            }
            let current = merged.entries[did].map { (entry: $0, previousKeys: merged.previousKeys[did] ?? []) }
            guard let folded = LiveIdentityRecorder.entry(did: did, existing: current, observations: list) else {
                if merged.entries[did] == nil { missing.append(name) }
                continue
            }
            merged.entries[did] = folded.entry
            merged.previousKeys[did] = folded.previousKeys.isEmpty ? nil : folded.previousKeys
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
        for name in unanswered {
            if let did = try? DID(name), let data = results[name], let decoded = LiveIdentityRecorder.decode(data, did: did) {
                merged.entries[did] = decoded.entry
                merged.previousKeys[did] = decoded.previousKeys.isEmpty ? nil : decoded.previousKeys
            } else {
                missing.append(name)
            }
        }
        return (merged, missing)
    }

    /// One answer of the source read as an identities-file entry, nil when it is not one.
    static func decode(_ data: Data, did: DID) -> (entry: StaticIdentities.Entry, previousKeys: [StaticIdentities.PreviousKey])? {
        guard let json = try? IdentityJSON(data: data) else { return nil }
        return try? StaticIdentities.decodeEntry(json, did: did)
    }

    /// Folds answers (any order) into one entry with key history; nil when no answer is an identities-file entry.
    static func entry(did: DID, existing: (entry: StaticIdentities.Entry, previousKeys: [StaticIdentities.PreviousKey])?,
                      observations: [Observation]) -> (entry: StaticIdentities.Entry, previousKeys: [StaticIdentities.PreviousKey])? {
        let answers = observations.sorted { $0.seq < $1.seq }.compactMap { observation in
            decode(observation.entry, did: did).map { (seq: observation.seq, entry: $0.entry, previousKeys: $0.previousKeys) }
        }
        guard let latest = answers.last else { return existing }
        // Without short-form keys there is no history to write: the latest answer stands.
        let keys = answers.compactMap { answer -> String? in
            if case .short(let short) = answer.entry { return short.signingKey }
            return nil
        }
        guard keys.count == answers.count else { return (latest.entry, latest.previousKeys) }
        var previous = existing?.previousKeys ?? []
        var current: String?
        if case .short(let short)? = existing?.entry { current = short.signingKey }
        for (answer, key) in zip(answers, keys) {
            if let before = current, before != key {
                previous.append(StaticIdentities.PreviousKey(signingKey: before, beforeSeq: answer.seq))
            }
            current = key
        }
        return (latest.entry, previous.isEmpty ? latest.previousKeys : previous)
    }
}
