/// One difference between two relays' streams seen live (`consume --relay A --relay B`): the
/// same kinds as `audit compare`, reported as they are found.
public struct RelayDivergence: Sendable, Hashable {
    /// What differs.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The event arrived from one relay and not from the other within the comparison window.
        case missing
        /// A relay delivered the same event (same account and rev, or same body) a second time.
        case duplicate
        /// A relay delivered a commit or sync of an account with a rev below one it delivered before.
        case reordered
        /// Both relays delivered the event, with different commit, blocks, ops, `prevData` or `since`.
        case differs
        /// A relay's seq jumped by more than one.
        case seqGap = "seq-gap"
    }

    /// What differs.
    public var kind: Kind
    /// The relay the divergence is observed on: for `missing`, the relay that lacks the event; for
    /// `duplicate`, `reordered` and `seq-gap`, the relay that did it; for `differs`, the second relay.
    public var relay: String
    /// The event concerned (as delivered by `relay`, or by the other relay for `missing`).
    public var event: ComparedEvent.Reference?
    /// A human-readable explanation (fields that differ, seqs of a gap, the rev delivered before).
    public var detail: String

    /// Creates a divergence.
    public init(kind: Kind, relay: String, event: ComparedEvent.Reference?, detail: String) {
        self.kind = kind
        self.relay = relay
        self.event = event
        self.detail = detail
    }
}
