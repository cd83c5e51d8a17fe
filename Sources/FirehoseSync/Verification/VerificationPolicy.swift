/// How strictly commits are judged (CONTRACT.md §3).
public enum VerificationPolicy: String, Sendable, Hashable, CaseIterable {
    /// Every check enforced (the default).
    case strict
    /// The reference relay's leniency (SPEC.md §8): deprecated flags, legacy commits, forward-check,
    /// inversion and chain failures are recorded as warnings and the commit is applied.
    case relay
}
