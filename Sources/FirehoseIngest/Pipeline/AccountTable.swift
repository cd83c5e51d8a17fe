import ATIdentity
import FirehoseSync

/// One verification worker's accounts: the state each account was left in (read from the store at first sight,
/// then kept current by the worker), for accounts answered by an identities file their fixed PDS host, and for
/// accounts whose key was resolved over the network that key and host (so later events need no look-up).
///
/// Each DID belongs to one worker (``VerificationPipeline/shard(_:workers:)``), so the table needs no lock and
/// is always ahead of the store. A state not yet durably written is never dropped: a slot is evicted only once
/// the writer has committed the event that produced its state, so it is never read back from a store that lags
/// behind it.
struct AccountTable {
    /// One account.
    struct Slot {
        /// The account's DID; nil for a free slot.
        var owner: String?
        /// The account's state; nil when the store has none and no event produced one yet.
        var state: AccountState?
        /// The ordinal of the event whose state is not yet durably written; nil when the state is the stored one.
        var unwrittenAt: Int?
        /// The PDS host from an identities file, when known to be fixed (outer nil: not asked yet).
        var fixedHost: String??
        /// The signing key resolved over the network and the PDS host it came with, held until an event about the
        /// account's identity, a signature failure with it (which looks it up fresh) or ``AccountTable/keyHoldLimit``
        /// after it was taken; nil when none is held.
        var resolved: (key: SigningKeyLookup, host: String?, since: ContinuousClock.Instant)? = nil
    }

    /// Where each account's slot is in ``slots``.
    private var positions: [String: Int] = [:]
    /// The slots, in place: fields change through the array (no dictionary `_modify`, whose coroutine frame for a value
    /// this large is a heap allocation per change). A freed slot is reused.
    private var slots: [Slot] = []
    /// Free positions in ``slots``.
    private var free: [Int] = []
    /// The most slots kept before written ones are evicted.
    let capacity: Int

    /// A table of up to `capacity` written states (at least 16), plus those not yet written.
    init(capacity: Int) {
        self.capacity = max(16, capacity)
    }

    /// The position of a new slot for `did`, holding `slot`.
    private mutating func insert(_ slot: Slot, for did: String) -> Int {
        var slot = slot
        slot.owner = did
        let position: Int
        if let reused = free.popLast() {
            position = reused
            slots[position] = slot
        } else {
            position = slots.count
            slots.append(slot)
        }
        positions[did] = position
        return position
    }

    /// The state of `did`, read from `store` the first time the worker meets the account.
    mutating func state(_ did: String, store: any StateStore) throws -> AccountState? {
        if let position = positions[did] { return slots[position].state }
        let stored = try store.accounts([did])[did]
        _ = insert(Slot(state: stored, unwrittenAt: nil, fixedHost: nil), for: did)
        return stored
    }

    /// Reads the stored states of those of `dids` the table does not hold, with one store query (a batch's first
    /// sights together instead of one query each).
    mutating func prefetch(_ dids: [String], store: any StateStore) throws {
        var missing: [String] = []
        var asked = Set<String>()
        for did in dids where positions[did] == nil && asked.insert(did).inserted { missing.append(did) }
        guard !missing.isEmpty else { return }
        let stored = try store.accounts(missing)
        for did in missing { _ = insert(Slot(state: stored[did], unwrittenAt: nil, fixedHost: nil), for: did) }
    }

    /// Records `state`, produced by the event at `ordinal` and not yet written.
    mutating func put(_ state: AccountState, ordinal: Int) {
        let position = positions[state.did] ?? insert(Slot(), for: state.did)
        slots[position].state = state
        slots[position].unwrittenAt = ordinal
    }

    /// The fixed PDS host of `did` cached in its slot (outer nil: not known yet).
    func fixedHost(_ did: String) -> String?? { positions[did].flatMap { slots[$0].fixedHost } }

    /// Caches the fixed PDS host of `did` (an account whose state has been looked up).
    mutating func setFixedHost(_ host: String?, for did: String) {
        guard let position = positions[did] else { return }
        slots[position].fixedHost = .some(host)
    }

    /// How long a key resolved over the network is used without asking the directory again. The directory's cache
    /// decides how fresh a key must be (a success is kept 24 h); holding it here for at most a minute more keeps that
    /// rule, where holding it until the next identity event would let a rotated-out key verify for as long as no
    /// `#identity` event arrives.
    static let keyHoldLimit: Duration = .seconds(60)

    /// The key (a cached one: a signature failure with it needs a fresh look-up) and host resolved for `did`, if held
    /// and taken less than ``keyHoldLimit`` ago.
    func resolved(_ did: String, now: ContinuousClock.Instant = .now) -> (key: SigningKeyLookup, host: String?)? {
        guard let position = positions[did], let held = slots[position].resolved, now - held.since < Self.keyHoldLimit else { return nil }
        return (held.key, held.host)
    }

    /// Holds the key resolved for `did` and its host (only a key: a failed look-up is asked again), or forgets them (nil).
    mutating func setResolved(_ key: SigningKeyLookup?, host: String?, for did: String) {
        guard let position = positions[did] else { return }
        guard case .key(let publicKey, _)? = key else {
            slots[position].resolved = nil
            return
        }
        slots[position].resolved = (.key(publicKey, fresh: false), host, .now)
    }

    /// Keeps the table within its capacity once it is over: drops slots whose state is written (its event at or
    /// below `committed`), until a quarter of the capacity is free.
    mutating func evict(committed: Int) {
        guard positions.count > capacity else { return }
        let target = capacity - capacity / 4
        for position in slots.indices where positions.count > target {
            guard let did = slots[position].owner else { continue }
            if let at = slots[position].unwrittenAt, at > committed { continue }
            positions.removeValue(forKey: did)
            slots[position] = Slot()
            free.append(position)
        }
    }

    /// Number of accounts held.
    var count: Int { positions.count }
}
