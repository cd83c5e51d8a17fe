/// A deviation from the lexicon in unsigned envelope metadata, or a proof that holds only in another order of
/// inversion: recorded and counted, never a rejection (Docs/CONTRACT.md §4 `warnings`).
///
/// What is signed or proven stays strict; these are the things live PDSes send today that prove nothing either
/// way. Each raw value is the code written on outcome lines, in metrics (`breakwater_warnings_total{kind}`) and
/// in the per-host warnings table of `status` and `audit report`.
public enum ConformanceWarning: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// `since` was the empty string; read as absent (an initial commit).
    case sinceEmpty = "since-empty"
    /// `time` was readable but not in the lexicon's RFC 3339 form (no timezone, lowercase `t`/`z`, `-00:00`).
    case timeNonstandard = "time-nonstandard"
    /// `time` was absent or null; the receipt time stands in for it.
    case timeMissing = "time-missing"
    /// `time` was not a datetime in any form servers send (or not a string); the receipt time stands in for it.
    case timeUnreadable = "time-unreadable"
    /// The deprecated `blobs` field was absent; read as empty.
    case blobsAbsent = "blobs-absent"
    /// The deprecated `rebase` field was absent; read as false.
    case rebaseAbsent = "rebase-absent"
    /// The deprecated `tooBig` field was absent; read as false.
    case tooBigAbsent = "too-big-absent"
    /// A path was written as `delete` then `create` in one commit; composed into one update.
    case deleteCreateSamePath = "delete-create-same-path"
    /// The slice proves the change only when the ops are inverted in the reverse of their listed order.
    case inversionOrderReverse = "inversion-order-reverse"
    /// The slice proves the change only when the ops are inverted in their listed order.
    case inversionOrderListed = "inversion-order-listed"

    /// What the warning means, for people (README, `status`, `audit report`).
    public var meaning: String {
        switch self {
        case .sinceEmpty: return "since sent as \"\" (read as absent)"
        case .timeNonstandard: return "time not in RFC 3339 form (read leniently)"
        case .timeMissing: return "time absent (receipt time used)"
        case .timeUnreadable: return "time unreadable (receipt time used)"
        case .blobsAbsent: return "deprecated blobs absent (read as empty)"
        case .rebaseAbsent: return "deprecated rebase absent (read as false)"
        case .tooBigAbsent: return "deprecated tooBig absent (read as false)"
        case .deleteCreateSamePath: return "delete + create of one path (composed into an update)"
        case .inversionOrderReverse: return "slice proves the change only in reverse op order"
        case .inversionOrderListed: return "slice proves the change only in listed op order"
        }
    }

    public static func < (a: ConformanceWarning, b: ConformanceWarning) -> Bool { a.rawValue < b.rawValue }
}
