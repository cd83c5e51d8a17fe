public import IPLD

/// An `#account` message: the account's hosting status at the emitting host.
///
/// `com.atproto.sync.subscribeRepos#account`; Docs/SPEC.md §3.4. Unknown status strings are tolerated.
public struct AccountEvent: Sendable, Hashable {
    public let seq: Int64
    public let did: String
    /// The broadcast time as sent (unsigned), nil when absent or unreadable.
    public let time: String?
    /// Deviations in the unsigned envelope, read leniently.
    public let warnings: [ConformanceWarning]
    /// Whether the account is active.
    public let active: Bool
    /// The status (`takendown`, `suspended`, `deleted`, `deactivated`, `desynchronized`, `throttled`, or other).
    public let status: String?

    /// Creates an event.
    public init(seq: Int64, did: String, time: String?, active: Bool, status: String? = nil, warnings: [ConformanceWarning] = []) {
        self.seq = seq
        self.did = did
        self.time = time
        self.warnings = warnings
        self.active = active
        self.status = status
    }

    /// The lexicon body.
    public var body: [String: IPLDValue] {
        var map: [String: IPLDValue] = ["seq": .int(seq), "did": .string(did), "active": .bool(active)]
        if let time { map["time"] = .string(time) }
        if let status { map["status"] = .string(status) }
        return map
    }

    /// The frame carrying this event.
    public var frame: Frame { Frame(op: 1, type: "#account", body: body) }

    /// Parses the body (`time` read leniently, with a warning).
    public static func parse(_ body: [String: IPLDValue]) -> Result<AccountEvent, Rejection> {
        guard let seq = body["seq"]?.intValue, let did = body["did"]?.stringValue, let active = body["active"]?.boolValue else {
            return .failure(Rejection(.malformedEvent, "#account lacks seq, did or active"))
        }
        let time = EnvelopeTime.read(body["time"])
        guard EventSeq.isValid(seq) else { return .failure(EventSeq.rejection(seq, type: "#account")) }
        guard SyntaxCheck.isDID(did) else { return .failure(Rejection(.malformedEvent, "did '\(did.prefix(100))' is not a valid DID")) }
        var status: String? = nil
        switch body["status"] {
        case .string(let s)?: status = s
        case .null?, nil: status = nil
        default: return .failure(Rejection(.malformedEvent, "#account status is not a string"))
        }
        return .success(AccountEvent(seq: seq, did: did, time: time.text, active: active, status: status,
                                     warnings: time.warning.map { [$0] } ?? []))
    }
}
