public import ATIdentity
public import FirehoseSync

/// Runs a recording's frames through the verification core alone: decoding, the stream-order check and
/// ``AccountMachine``, one frame at a time, with account states in an ``InMemoryAccountStore``. No pipeline, no
/// SQLite, no network: what the pipeline adds (concurrency, batching, persistence) must not change a verdict, so
/// its outcome lines must equal the ones this harness gives.
public struct ScenarioHarness {
    /// The machine judging the events.
    public let machine: AccountMachine
    /// The policy of decoding and of the machine.
    public let policy: VerificationPolicy
    /// The account states so far.
    public private(set) var store = InMemoryAccountStore()
    private var order = SeqTracker()

    /// A harness with `policy`.
    public init(policy: VerificationPolicy = .strict) {
        self.policy = policy
        machine = AccountMachine(policy: policy)
    }

    /// Judges one frame at `time`; `key(did, seq, fresh)` gives an account's signing key. Returns the outcome line.
    public mutating func judge(_ bytes: [UInt8], index: Int, time: VerificationTime,
                               key: (_ did: String, _ seq: Int64?, _ fresh: Bool) async -> SigningKeyLookup?) async -> OutcomeLine {
        var batch = StoreBatch()
        let judgement: Judgement
        switch order.check(DecodedEvent.decode(bytes, index: index, policy: policy)) {
        case .final(let final, _):
            judgement = final
        case .message(let message, let index, _):
            let state = message.did.flatMap { store.accounts([$0])[$0] }
            let step = await machine.process(message, index: index, state: state, time: time) { fresh in
                guard let did = message.did else { return nil }
                return await key(did, message.seq, fresh)
            }
            if let next = step.newState { batch.accounts[next.did] = next }
            judgement = step.judgement
        }
        let line = judgement.line
        batch.outcomes = [RecordedOutcome(line: line, frame: judgement.verdict.isRejected ? bytes : nil, processedAt: time.micros)]
        store.write(batch)
        return line
    }

    /// Judges `frames` in order from index 0 and returns their outcome lines.
    public mutating func run(_ frames: [[UInt8]], time: VerificationTime,
                             key: (_ did: String, _ seq: Int64?, _ fresh: Bool) async -> SigningKeyLookup?) async -> [OutcomeLine] {
        var lines: [OutcomeLine] = []
        for (index, bytes) in frames.enumerated() {
            lines.append(await judge(bytes, index: index, time: time, key: key))
        }
        return lines
    }
}
