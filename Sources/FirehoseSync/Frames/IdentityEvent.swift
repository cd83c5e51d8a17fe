public import IPLD

/// An `#identity` message: the account's identity may have changed; refresh the cached DID document.
///
/// `com.atproto.sync.subscribeRepos#identity`; Docs/SPEC.md §3.3.
public struct IdentityEvent: Sendable, Hashable {
    public let seq: Int64
    public let did: String
    /// The broadcast time as sent (unsigned), nil when absent or unreadable.
    public let time: String?
    /// Deviations in the unsigned envelope, read leniently.
    public let warnings: [ConformanceWarning]
    /// The handle, when the relay passed it on.
    public let handle: String?

    /// Creates an event.
    public init(seq: Int64, did: String, time: String?, handle: String? = nil, warnings: [ConformanceWarning] = []) {
        self.seq = seq
        self.did = did
        self.time = time
        self.warnings = warnings
        self.handle = handle
    }

    /// The lexicon body.
    public var body: [String: IPLDValue] {
        var map: [String: IPLDValue] = ["seq": .int(seq), "did": .string(did)]
        if let time { map["time"] = .string(time) }
        if let handle { map["handle"] = .string(handle) }
        return map
    }

    /// The frame carrying this event.
    public var frame: Frame { Frame(op: 1, type: "#identity", body: body) }

    /// Parses the body (`time` read leniently, with a warning).
    public static func parse(_ body: [String: IPLDValue]) -> Result<IdentityEvent, Rejection> {
        guard let seq = body["seq"]?.intValue, let did = body["did"]?.stringValue else {
            return .failure(Rejection(.malformedEvent, "#identity lacks seq or did"))
        }
        let time = EnvelopeTime.read(body["time"])
        guard EventSeq.isValid(seq) else { return .failure(EventSeq.rejection(seq, type: "#identity")) }
        guard SyntaxCheck.isDID(did) else { return .failure(Rejection(.malformedEvent, "did '\(did.prefix(100))' is not a valid DID")) }
        var handle: String? = nil
        switch body["handle"] {
        case .string(let h)?: handle = h
        case .null?, nil: handle = nil
        default: return .failure(Rejection(.malformedEvent, "#identity handle is not a string"))
        }
        return .success(IdentityEvent(seq: seq, did: did, time: time.text, handle: handle,
                                      warnings: time.warning.map { [$0] } ?? []))
    }
}
