/// A verdict about one event, with what the outcome line says besides it: a note on what was applied (for
/// `verified` and `applied`; a refusal carries its own detail) and the conformance warnings the event earned.
public struct Judgement: Sendable {
    /// The event judged.
    public var event: JudgedEvent
    /// The decision.
    public var verdict: Verdict
    /// What was applied and any leniency, for `verified` and `applied`.
    public var note: String?
    /// Conformance warnings (deviations that never change the verdict).
    public var warnings: [ConformanceWarning]

    /// Creates a judgement.
    public init(_ event: JudgedEvent, _ verdict: Verdict, note: String? = nil, warnings: [ConformanceWarning] = []) {
        self.event = event
        self.verdict = verdict
        self.note = note
        self.warnings = warnings
    }

    /// The outcome line of the judgement (the `--events` and `expected.jsonl` format).
    public var line: OutcomeLine {
        let rejection = verdict.rejection
        return OutcomeLine(index: event.index, seq: event.seq, type: event.type, did: event.did, rev: event.rev,
                           outcome: verdict.outcome, reason: rejection?.reason, detail: rejection?.detail ?? note, warnings: warnings)
    }
}
