/// A frame after decoding and envelope checks: either a message ready for the account machine, or a final
/// outcome (malformed frame or event, unknown type) that needs no account state.
public enum DecodedEvent: Sendable {
    /// A message to process in order for its account (or globally when `did` is nil).
    case message(FirehoseMessage, index: Int, frameBytes: [UInt8])
    /// Already judged (a malformed frame or event, an unknown type, a seq that does not advance).
    case final(Judgement, frameBytes: [UInt8])

    /// Decodes one frame (Docs/CONTRACT.md §3 steps 1–2). A `#commit` frame of the usual shape is read in place
    /// (``FrameView``); every other frame goes through ``decodeGeneric(_:index:policy:)``, with the same result.
    public static func decode(_ bytes: [UInt8], index: Int, policy: VerificationPolicy = .strict) -> DecodedEvent {
        var none: DIDInterner? = nil
        return decode(bytes, index: index, policy: policy, interning: &none)
    }

    /// ``decode(_:index:policy:)`` taking the DID of a `#commit` read in place from `interner`, when given (one
    /// string per account for the frames of one reader).
    public static func decode(_ bytes: [UInt8], index: Int, policy: VerificationPolicy = .strict,
                              interning interner: inout DIDInterner?) -> DecodedEvent {
        if let event = FrameView.commitEvent(bytes, enforceDeprecatedFlags: !policy.tolerates(.deprecatedFlag), interning: &interner) {
            return .message(.commit(event), index: index, frameBytes: bytes)
        }
        return decodeGeneric(bytes, index: index, policy: policy)
    }

    /// Decodes one frame through the generic decode (``Frame/init(decoding:)``, the body as a map) and
    /// ``FirehoseMessage/classify(_:enforceDeprecatedFlags:)``: what ``decode(_:index:policy:)`` gives for every frame.
    package static func decodeGeneric(_ bytes: [UInt8], index: Int, policy: VerificationPolicy = .strict) -> DecodedEvent {
        let frame: Frame
        do {
            frame = try Frame(decoding: bytes)
        } catch {
            return .final(Judgement(JudgedEvent(index: index, seq: nil, type: .frame, did: nil, rev: nil),
                                    Verdict(Rejection(.malformedFrame, error.reason))), frameBytes: bytes)
        }
        let type = FirehoseMessage.eventType(of: frame)
        switch FirehoseMessage.classify(frame, enforceDeprecatedFlags: !policy.tolerates(.deprecatedFlag)) {
        case .failure(let rejection):
            return .final(Judgement(JudgedEvent(index: index, seq: frame.seq, type: type, did: frame.didField, rev: frame.revField),
                                    Verdict(rejection)), frameBytes: bytes)
        case .success(.unknown(let t)):
            return .final(Judgement(JudgedEvent(index: index, seq: frame.seq, type: .unknown, did: frame.didField, rev: frame.revField),
                                    Verdict(Rejection(.unknownType, "message type \(t ?? "(none)") op \(frame.op)"))), frameBytes: bytes)
        case .success(let message):
            return .message(message, index: index, frameBytes: bytes)
        }
    }

    /// The account this event belongs to (events are processed in order per account).
    public var did: String? {
        switch self {
        case .final(let judgement, _): return judgement.event.did
        case .message(let message, _, _): return message.did
        }
    }
}

extension FirehoseMessage {
    /// The account DID this message is about, if any.
    public var did: String? {
        switch self {
        case .commit(let e): return e.repo
        case .sync(let e): return e.did
        case .identity(let e): return e.did
        case .account(let e): return e.did
        case .handle(_, let did, _), .migrate(_, let did), .tombstone(_, let did): return did
        case .info, .error, .unknown: return nil
        }
    }

    /// The message's seq, if any.
    public var seq: Int64? {
        switch self {
        case .commit(let e): return e.seq
        case .sync(let e): return e.seq
        case .identity(let e): return e.seq
        case .account(let e): return e.seq
        case .handle(let seq, _, _), .migrate(let seq, _), .tombstone(let seq, _): return seq
        case .info, .error, .unknown: return nil
        }
    }

    /// The envelope's `time` as sent (nil when absent, unreadable, or the type has none).
    public var time: String? {
        switch self {
        case .commit(let e): return e.time
        case .sync(let e): return e.time
        case .identity(let e): return e.time
        case .account(let e): return e.time
        default: return nil
        }
    }

    /// The instant of ``time`` in µs since the Unix epoch, read leniently (nil when there is none: the receipt time
    /// stands in).
    public var timeMicros: Int64? { EnvelopeTime.micros(time) }

    /// The conformance warnings its envelope earned (empty for types without an envelope to read).
    public var warnings: [ConformanceWarning] {
        switch self {
        case .commit(let e): return e.warnings
        case .sync(let e): return e.warnings
        case .identity(let e): return e.warnings
        case .account(let e): return e.warnings
        default: return []
        }
    }

    /// True for commits and syncs, whose verification needs the account's signing key.
    public var needsSigningKey: Bool {
        switch self {
        case .commit, .sync: return true
        default: return false
        }
    }
}
