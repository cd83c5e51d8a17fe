import IPLD

/// A decoded event-stream message, by type. Deprecated types from old recordings are kept apart.
public enum FirehoseMessage: Sendable {
    case commit(CommitEvent)
    case sync(SyncEvent)
    case identity(IdentityEvent)
    case account(AccountEvent)
    /// `#info` (e.g. `OutdatedCursor`); has no seq.
    case info(name: String, message: String?)
    /// An error frame (`op` = -1), e.g. `FutureCursor`, `ConsumerTooSlow`.
    case error(name: String, message: String?)
    /// Deprecated `#handle` (replaced by `#identity`).
    case handle(seq: Int64?, did: String?, handle: String?)
    /// Deprecated `#migrate` (replaced by `#account`).
    case migrate(seq: Int64?, did: String?)
    /// Deprecated `#tombstone` (replaced by `#account` with status `deleted`).
    case tombstone(seq: Int64?, did: String?)
    /// A message whose `op` or `t` is unknown.
    case unknown(type: String?)

    /// Classifies a decoded frame and checks its body. `#commit` envelope problems become a rejection.
    public static func classify(_ frame: Frame, enforceDeprecatedFlags: Bool = true) -> Result<FirehoseMessage, Rejection> {
        if frame.op == -1 {
            guard let name = frame.body["error"]?.stringValue else {
                return .failure(Rejection(.malformedEvent, "error frame has no error name"))
            }
            return .success(.error(name: name, message: frame.body["message"]?.stringValue))
        }
        guard frame.op == 1 else { return .success(.unknown(type: frame.type)) }
        switch frame.shortType {
        case "commit":
            return CommitEvent.parse(frame.body, enforceDeprecatedFlags: enforceDeprecatedFlags).map { .commit($0) }
        case "sync":
            return SyncEvent.parse(frame.body).map { .sync($0) }
        case "identity":
            return IdentityEvent.parse(frame.body).map { .identity($0) }
        case "account":
            return AccountEvent.parse(frame.body).map { .account($0) }
        case "info":
            guard let name = frame.body["name"]?.stringValue else {
                return .failure(Rejection(.malformedEvent, "#info has no name"))
            }
            return .success(.info(name: name, message: frame.body["message"]?.stringValue))
        case "handle":
            return .success(.handle(seq: frame.validSeq, did: frame.didField, handle: frame.body["handle"]?.stringValue))
        case "migrate":
            return .success(.migrate(seq: frame.validSeq, did: frame.didField))
        case "tombstone":
            return .success(.tombstone(seq: frame.validSeq, did: frame.didField))
        default:
            return .success(.unknown(type: frame.type))
        }
    }

    /// The outcome-line type of a frame, judged from its header alone.
    public static func eventType(of frame: Frame) -> EventType {
        if frame.op == -1 { return .error }
        guard frame.op == 1 else { return .unknown }
        switch frame.shortType {
        case "commit": return .commit
        case "sync": return .sync
        case "identity": return .identity
        case "account": return .account
        case "info": return .info
        default: return .unknown
        }
    }
}
