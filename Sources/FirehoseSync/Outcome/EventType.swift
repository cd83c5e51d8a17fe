/// The `type` of an outcome line (Docs/CONTRACT.md §4).
public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
    case commit, sync, identity, account, info, error, unknown
    /// An undecodable frame.
    case frame
}
