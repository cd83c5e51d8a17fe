import ATCrypto
import ATRepo
import ATSyntax
import FirehoseSync
import IPLD

/// Generates a deterministic synthetic firehose (`breakwater synth`): accounts on both curves, their
/// creation (`#identity`, `#account`, a first `#commit` or a `#sync` over a pre-existing tree), Sync 1.1
/// commits with covering-proof slices, key rotations, deactivations, and labelled faults. Every event comes
/// with the outcome the verifier must give it.
///
/// The same configuration gives byte-identical output: all randomness comes from one seeded PRNG and
/// nothing depends on dictionary order or the clock.
public struct SynthGenerator {
    let configuration: SynthConfiguration
    var rng: SplitMix64
    var accounts: [SynthAccount] = []
    var ghost: SynthAccount?
    var seq: Int64 = 0
    var index = 0
    var commitsEmitted = 0
    var faultCounter = 0
    var quirkCounter = 0
    var clock: Int64
    var inactive: [(account: Int, wakeAt: Int)] = []
    let emit: (SynthEvent) throws -> Void

    /// Creates a generator that hands each event to `emit` in order.
    public init(configuration: SynthConfiguration, emit: @escaping (SynthEvent) throws -> Void) {
        self.configuration = configuration
        self.rng = SplitMix64(seed: configuration.seed)
        self.clock = configuration.startMicros
        self.emit = emit
        for i in 0..<configuration.repos {
            accounts.append(makeAccount(i))
        }
        if configuration.faultRate > 0 && configuration.faultKinds.contains(.identityUnavailable) {
            var ghost = makeAccount(configuration.repos)
            ghost.ghost = true
            self.ghost = ghost
        }
    }

    func curve(for index: Int, _ rng: inout SplitMix64) -> Curve {
        let curves = configuration.curves
        if curves.count == 1 { return curves[0] }
        return rng.chance(0.9) ? (curves.contains(.k256) ? .k256 : curves[0]) : (curves.first { $0 != .k256 } ?? curves[0])
    }

    mutating func makeAccount(_ i: Int) -> SynthAccount {
        var local = SplitMix64(seed: configuration.seed &+ UInt64(i) &* 0x9E37_79B9)
        let did = "did:plc:" + String(Base32.encode(local.bytes32()).prefix(24))
        let key = PrivateKey.derive(curve: curve(for: i, &local), seed: local.bytes32())
        return SynthAccount(did: did, host: "https://pds\(i % max(1, configuration.hosts)).synth.test", key: key)
    }

    // MARK: - Time, revs, frames

    /// Advances the clock and returns the current time.
    mutating func tick() -> Int64 {
        clock += 10_000 + Int64(rng.below(20_000))
        return clock
    }

    func datetime(_ micros: Int64) -> String {
        (try? Datetime(microsecondsSinceEpoch: micros))?.description ?? "2026-01-01T00:00:00.000Z"
    }

    func tid(_ micros: Int64, clockID: Int) -> String {
        (try? TID(microseconds: UInt64(max(0, micros)), clockID: UInt16(clockID % 1024)))?.description ?? "2222222222222"
    }

    mutating func nextSeq() -> Int64 {
        seq += 1
        return seq
    }

    mutating func send(_ frame: Frame, _ type: EventType, did: String?, rev: String?, _ outcome: Outcome, _ reason: Reason? = nil,
                       warnings: [ConformanceWarning] = []) throws {
        try send(bytes: frame.encoded(), type, seq: frame.seq, did: did, rev: rev, outcome, reason, warnings: warnings)
    }

    mutating func send(bytes: [UInt8], _ type: EventType, seq: Int64?, did: String?, rev: String?, _ outcome: Outcome,
                       _ reason: Reason? = nil, warnings: [ConformanceWarning] = []) throws {
        let line = OutcomeLine(index: index, seq: seq, type: type, did: did, rev: rev, outcome: outcome, reason: reason, detail: nil,
                               warnings: warnings)
        try emit(SynthEvent(frame: bytes, expected: line))
        index += 1
    }

    // MARK: - Main loop

    /// Generates the whole recording.
    public mutating func run() throws {
        let total = configuration.commits
        let repos = configuration.repos
        var createdCount = 0
        var slot = 0
        while commitsEmitted < total {
            // Accounts are born through the first half of the stream.
            while createdCount < repos && createdCount * max(1, total / 2) <= slot * repos {
                try createAccount(createdCount)
                createdCount += 1
                if commitsEmitted >= total { return }
            }
            slot += 1
            try wakeAccounts()
            guard let chosen = pickAccount(createdCount: createdCount) else {
                if createdCount < repos { continue }
                break
            }
            if configuration.faultRate > 0 && rng.chance(configuration.faultRate) && faultAllowed(on: chosen) {
                let kind = configuration.faultKinds[faultCounter % configuration.faultKinds.count]
                faultCounter += 1
                try injectFault(kind, account: chosen)
                continue
            }
            if rng.chance(0.01) { try rotateKey(chosen) }
            if configuration.quirkRate > 0 && rng.chance(configuration.quirkRate) {
                let kind = configuration.quirkKinds[quirkCounter % configuration.quirkKinds.count]
                quirkCounter += 1
                try quirkCommit(kind, account: chosen)
            } else {
                try normalCommit(chosen)
            }
            if rng.chance(0.004) && countActive() > 1 { try deactivate(chosen) }
        }
    }

    /// Whether a fault may go to account `i` (``SynthConfiguration/faultHosts``).
    func faultAllowed(on i: Int) -> Bool {
        guard let faultHosts = configuration.faultHosts else { return true }
        return i % max(1, configuration.hosts) < faultHosts
    }

    func countActive() -> Int { accounts.lazy.filter { $0.created && $0.active }.count }

    /// Picks an active account, skewed: 20% of commits go to the busiest 5%.
    mutating func pickAccount(createdCount: Int) -> Int? {
        guard createdCount > 0 else { return nil }
        for _ in 0..<16 {
            let hot = max(1, createdCount / 20)
            let candidate = rng.chance(0.2) ? rng.below(hot) : rng.below(createdCount)
            if accounts[candidate].created && accounts[candidate].active { return candidate }
        }
        return accounts.indices.first { accounts[$0].created && accounts[$0].active }
    }

    mutating func wakeAccounts() throws {
        guard !inactive.isEmpty else { return }
        var still: [(account: Int, wakeAt: Int)] = []
        for entry in inactive {
            if entry.wakeAt <= commitsEmitted {
                try setActive(entry.account, true)
            } else {
                still.append(entry)
            }
        }
        inactive = still
    }

    // MARK: - Lifecycle events

    mutating func createAccount(_ i: Int) throws {
        let time = tick()
        let did = accounts[i].did
        let identitySeq = nextSeq()
        try send(IdentityEvent(seq: identitySeq, did: did, time: datetime(time), handle: "user\(i).synth.test").frame,
                 .identity, did: did, rev: nil, .applied)
        let accountSeq = nextSeq()
        try send(AccountEvent(seq: accountSeq, did: did, time: datetime(time), active: true).frame, .account, did: did, rev: nil, .applied)
        accounts[i].created = true
        let startSize = startingTreeSize(i)
        if startSize > 0 {
            try seedTree(i, size: startSize)
            try sendSync(i)
        } else {
            // A first commit: profile plus a few records, no since, no prevData.
            var ops: [PlannedOp] = [.create(path: "app.bsky.actor.profile/self", collection: "app.bsky.actor.profile")]
            for _ in 0..<rng.below(3) { ops.append(newCreate(i)) }
            let built = try buildCommit(i, ops: ops, firstCommit: true)
            try sendCommit(built, expected: .verified)
            apply(built, to: i)
        }
    }

    /// Starting tree sizes: mostly empty, some hundreds to thousands, one very large.
    mutating func startingTreeSize(_ i: Int) -> Int {
        if i == 0 && configuration.repos >= 100 { return configuration.largestTree }
        let roll = rng.below(100)
        switch roll {
        case 0..<70: return 0
        case 70..<95: return 10 + rng.below(490)
        default: return 500 + rng.below(4500)
        }
    }

    /// Gives an account a pre-existing tree of `size` records, built in one pass.
    mutating func seedTree(_ i: Int, size: Int) throws {
        var entries: [(key: [UInt8], value: CID)] = []
        entries.reserveCapacity(size)
        var micros = clock - Int64(size) * 1_000_000
        for _ in 0..<size {
            micros += 1_000_000
            let collection = RecordFactory.collection(&rng)
            let rkey = tid(micros, clockID: i)
            let bytes = RecordFactory.record(collection: collection, createdAt: datetime(micros), rkey: rkey, &rng)
            let cid = CID.compute(for: bytes)
            let path = collection + "/" + rkey
            if configuration.keepsRecords { accounts[i].recordBlocks[cid] = bytes }
            accounts[i].values[path] = cid
            accounts[i].addPath(path)
            entries.append((Array(path.utf8), cid))
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        accounts[i].tree = try MST(sorted: entries)
    }

    /// A `#sync` announcing the account's current tree.
    mutating func sendSync(_ i: Int) throws {
        let time = tick()
        let rev = tid(time, clockID: i)
        let key = accounts[i].key
        let commit = try Commit.signed(did: accounts[i].did, rev: rev, data: accounts[i].tree.rootCID, sign: { key.sign(message: $0) })
        var car = CARWriter(roots: [commit.cid])
        car.append(cid: commit.cid, data: commit.bytes)
        let s = nextSeq()
        try send(SyncEvent(seq: s, did: accounts[i].did, rev: rev, blocks: car.bytes, time: datetime(time)).frame,
                 .sync, did: accounts[i].did, rev: rev, .verified)
        accounts[i].rev = rev
        accounts[i].lastCommit = commit
        accounts[i].lastCommitFrame = nil
    }

    mutating func rotateKey(_ i: Int) throws {
        var local = SplitMix64(seed: rng.next())
        let old = accounts[i].key
        let newKey = PrivateKey.derive(curve: old.curve, seed: local.bytes32())
        let s = nextSeq()
        accounts[i].previousKeys.append((old, s))
        accounts[i].key = newKey
        try send(IdentityEvent(seq: s, did: accounts[i].did, time: datetime(tick())).frame, .identity,
                 did: accounts[i].did, rev: nil, .applied)
    }

    mutating func setActive(_ i: Int, _ active: Bool) throws {
        let s = nextSeq()
        accounts[i].active = active
        try send(AccountEvent(seq: s, did: accounts[i].did, time: datetime(tick()), active: active,
                              status: active ? nil : "deactivated").frame,
                 .account, did: accounts[i].did, rev: nil, .applied)
    }

    mutating func deactivate(_ i: Int) throws {
        try setActive(i, false)
        inactive.append((i, commitsEmitted + 5 + rng.below(50)))
    }

    mutating func normalCommit(_ i: Int) throws {
        let built = try buildCommit(i, ops: planOps(i))
        try sendCommit(built, expected: .verified)
        apply(built, to: i)
    }
}
