import ATIdentity
import FirehoseSync

extension VerificationPipeline {
    /// What the reader hands a worker: a frame, or a finished resync to apply in order with its account's events.
    enum WorkItem: Sendable {
        /// A decoded frame.
        case frame(FrameWork)
        /// A finished resync; `ordinal` is its place in the writer's order.
        case resyncCompletion(ResyncCompletion, ordinal: Int)

        /// The account the item belongs to (its lane), nil for frames about no account.
        var did: String? {
            switch self {
            case .frame(let work): return work.decoded.did
            case .resyncCompletion(let completion, _): return completion.did
            }
        }

        /// Position in the writer's order (frames and resync completions, from 0).
        var ordinal: Int {
            switch self {
            case .frame(let work): return work.ordinal
            case .resyncCompletion(_, let ordinal): return ordinal
            }
        }

        /// The frame's size in bytes (0 for a resync completion), its share of the window.
        var size: Int {
            if case .frame(let work) = self { return work.size }
            return 0
        }

        /// Where and when the frame arrived (nil for a resync completion).
        var receipt: EventReceipt? {
            if case .frame(let work) = self { return work.receipt }
            return nil
        }

        /// True for a resync completion.
        var isResyncCompletion: Bool {
            if case .resyncCompletion = self { return true }
            return false
        }

        /// True for an item judged against its account's state: a message about an account, a resync completion.
        var needsState: Bool {
            switch self {
            case .frame(let work):
                if case .message(let message, _, _) = work.decoded { return message.did != nil }
                return false
            case .resyncCompletion:
                return true
            }
        }

        /// True for an event whose verification asks for a signing key (which may mean a network look-up).
        var mayWaitForKey: Bool {
            if case .frame(let work) = self, case .message(let message, _, _) = work.decoded { return message.needsSigningKey }
            return false
        }
    }

    /// One decoded frame on its way to its account's lane.
    struct FrameWork: Sendable {
        var decoded: DecodedEvent
        var index: Int
        var cursorPosition: Int64
        /// Position in the writer's order.
        var ordinal: Int
        /// The frame's size in bytes.
        var size: Int
        /// Where and when the frame arrived (per-host attribution, relay health).
        var receipt: EventReceipt?
    }

    /// What a worker hands the writer: a frame's judgement and the state it leaves, or a resync completion's state.
    /// What only some results carry (a mirror update, a resync's mirror updates, a key looked up over the network) is
    /// boxed in ``Rare``, so the usual result stays small as it is handed from the worker to the writer and reordered.
    struct WorkResult: Sendable {
        var index: Int
        var cursorPosition: Int64?
        /// Nil for a resync completion (no frame, no outcome line).
        var judgement: Judgement?
        var newState: AccountState?
        var frame: [UInt8]?
        var processedAt: Int64
        /// The event's `time` field, for the upstream-lag gauge.
        var eventTime: String? = nil
        var ordinal: Int = 0
        /// Where and when the frame arrived, with its account's PDS host (filled in by the worker).
        var receipt: EventReceipt? = nil
        /// The frame's size in bytes (0 for a resync completion), released from the window when written.
        var size = 0
        /// The rare parts, nil when there are none.
        private var rare: Rare? = nil

        /// The rare parts of a result.
        struct RareParts: Sendable {
            var mirror: MirrorUpdate?
            var resyncMirrors: [MirrorUpdate] = []
            var signingKey: SigningKeyLookup?
        }

        /// The box of the rare parts (immutable: a change boxes a new value).
        final class Rare: Sendable {
            let parts: RareParts
            init(_ parts: RareParts) { self.parts = parts }
        }

        init(index: Int, cursorPosition: Int64?, judgement: Judgement?, newState: AccountState?, frame: [UInt8]?, processedAt: Int64,
             mirror: MirrorUpdate? = nil, eventTime: String? = nil, ordinal: Int = 0, signingKey: SigningKeyLookup? = nil) {
            self.index = index
            self.cursorPosition = cursorPosition
            self.judgement = judgement
            self.newState = newState
            self.frame = frame
            self.processedAt = processedAt
            self.eventTime = eventTime
            self.ordinal = ordinal
            if mirror != nil || signingKey != nil { rare = Rare(RareParts(mirror: mirror, signingKey: signingKey)) }
        }

        /// The mirror update of a mirrored account's event.
        var mirror: MirrorUpdate? {
            get { rare?.parts.mirror }
            set { changeRare { $0.mirror = newValue } }
        }

        /// Mirror updates of a resync completion (the replacement, then what was re-applied after it).
        var resyncMirrors: [MirrorUpdate] {
            get { rare?.parts.resyncMirrors ?? [] }
            set { changeRare { $0.resyncMirrors = newValue } }
        }

        /// The signing key last looked up for the event, if any (the worker keeps a resolved one in the account's slot).
        var signingKey: SigningKeyLookup? {
            get { rare?.parts.signingKey }
            set { changeRare { $0.signingKey = newValue } }
        }

        private mutating func changeRare(_ change: (inout RareParts) -> Void) {
            var parts = rare?.parts ?? RareParts()
            change(&parts)
            rare = parts.mirror == nil && parts.resyncMirrors.isEmpty && parts.signingKey == nil ? nil : Rare(parts)
        }
    }
}
