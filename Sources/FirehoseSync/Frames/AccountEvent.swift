public import IPLD

/// An `#account` message: the account's hosting status at the emitting host.
///
/// `com.atproto.sync.subscribeRepos#account`; SPEC.md §3.4. Unknown status strings are tolerated.
public struct AccountEvent: Sendable, Hashable {
    public let seq: Int64
    public let did: String
    public let time: String
    /// Whether the account is active.
    public let active: Bool
    /// The status (`takendown`, `suspended`, `deleted`, `deactivated`, `desynchronized`, `throttled`, or other).
    public let status: String?

    /// Creates an event.
    public init(seq: Int64, did: String, time: String, active: Bool, status: String? = nil) {
        self.seq = seq
        self.did = did
        self.time = time
        self.active = active
        self.status = status
    }

    /// The lexicon body.
    public var body: [String: IPLDValue] {
        var map: [String: IPLDValue] = ["seq": .int(seq), "did": .string(did), "time": .string(time), "active": .bool(active)]
        if let status { map["status"] = .string(status) }
        return map
    }

    /// The frame carrying this event.
    public var frame: Frame { Frame(op: 1, type: "#account", body: body) }

    /// Parses the body.
    public static func parse(_ body: [String: IPLDValue]) -> Result<AccountEvent, Rejection> {
        guard let seq = body["seq"]?.intValue, let did = body["did"]?.stringValue,
              let time = body["time"]?.stringValue, let active = body["active"]?.boolValue else {
            return .failure(Rejection(.malformedEvent, "#account lacks seq, did, time or active"))
        }
        guard EventSeq.isValid(seq) else { return .failure(EventSeq.rejection(seq, type: "#account")) }
        guard SyntaxCheck.isDID(did) else { return .failure(Rejection(.malformedEvent, "did '\(did.prefix(100))' is not a valid DID")) }
        var status: String? = nil
        switch body["status"] {
        case .string(let s)?: status = s
        case .null?, nil: status = nil
        default: return .failure(Rejection(.malformedEvent, "#account status is not a string"))
        }
        return .success(AccountEvent(seq: seq, did: did, time: time, active: active, status: status))
    }
}
