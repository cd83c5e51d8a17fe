/// The outcome of one frame (Docs/CONTRACT.md §4).
public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// A commit or sync passed every check and was applied.
    case verified
    /// An identity, account or info event (or an error frame) was applied.
    case applied
    /// Invalid; state unchanged; the frame is kept as evidence.
    case rejected
    /// Valid alone but does not chain; the account is marked for resync.
    case desynchronized
    /// Nothing to do: stale, inactive, waiting for resync, unknown type.
    case ignored
    /// Cannot be proven either way (legacy commit, no key).
    case unverifiable
}
