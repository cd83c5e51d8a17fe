// Target `frame`: one event-stream frame through DecodedEvent.decode and AccountMachine.process, with stored
// states and fixed keys. Every verdict must be one of Docs/CONTRACT.md §4's outcomes with a reason that belongs to it.
import Foundation

/// The fixed keys: every DID of `Replays/*/identities.json` (or of `BREAKWATER_FUZZ_IDENTITIES`, a folder of
/// recordings) with its current signing key, so that the seed frames verify and mutations reach every check.
let fuzzKeys: [String: PublicKey] = {
    let root = ProcessInfo.processInfo.environment["BREAKWATER_FUZZ_IDENTITIES"] ?? "Replays"
    var keys: [String: PublicKey] = [:]
    let folders = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
    for folder in folders {
        guard let data = FileManager.default.contents(atPath: root + "/" + folder + "/identities.json"),
              let identities = try? StaticIdentities(data: data) else { continue }
        for did in identities.entries.keys {
            guard let reference = (try? identities.resolve(did, fetchedAt: 0))?.signingKeyReference,
                  let key = try? PublicKey(verificationMethodType: reference.type, publicKeyMultibase: reference.publicKeyMultibase)
            else { continue }
            keys[did.description] = keys[did.description] ?? key
        }
    }
    return keys
}()

/// A key no seed is signed with (the wrong-key state).
let fuzzWrongKey: PublicKey = PrivateKey.derive(curve: .k256, seed: Array("breakwater-fuzz".utf8)).publicKey

/// 2100-01-01: no seed rev is in the future, a mutated one may be.
let fuzzTime = VerificationTime(micros: 4_102_444_800_000_000)

func fuzzFrame(_ bytes: [UInt8]) {
    let decoded = DecodedEvent.decode(bytes, index: 7, policy: bytes.count % 5 == 0 ? .relay : .strict)
    switch decoded {
    case .final(let judgement, let frameBytes):
        let line = judgement.line
        fuzzRequire(frameBytes == bytes, "the frame's bytes are kept as evidence")
        checkVerdict(line, index: 7)
        fuzzRequire(line.outcome != .verified && line.outcome != .applied, "a final line is a rejection or ignored")
    case .message(let message, let index, _):
        fuzzRequire(index == 7, "index kept")
        // Twice: with the state a chain expects (prevData stored), and with one chosen by the input's length.
        let did = message.did
        let key = did.flatMap { fuzzKeys[$0] }
        let chained = did.map { chainedState(for: message, did: $0) }
        run(message, state: chained, key: key.map { .key($0, fresh: true) }, policy: .strict)
        let variant = Int(bytes.count % 7)
        let states: [AccountState?] = [
            nil,
            did.map { var s = chainedState(for: message, did: $0); s.sync = .desynchronized; return s },
            did.map { var s = chainedState(for: message, did: $0); s.active = false; s.status = "takendown"; return s },
            did.map { var s = chainedState(for: message, did: $0); s.rev = "zzzzzzzzzzzzz"; return s },
            did.map { var s = chainedState(for: message, did: $0); s.data = fuzzOtherCID; return s },
            chained,
            chained,
        ]
        let keys: [SigningKeyLookup?] = [
            key.map { .key($0, fresh: false) }, key.map { .key($0, fresh: true) }, .unavailable("fuzz: no key"),
            .key(fuzzWrongKey, fresh: false), .key(fuzzWrongKey, fresh: true), nil, key.map { .key($0, fresh: true) },
        ]
        run(message, state: states[variant], key: keys[variant], policy: variant == 6 ? .relay : .strict)
    }
}

/// A CID no seed tree has (the chain-break state).
let fuzzOtherCID: CID = CID.compute(for: [0xa0])

/// A stored state the message chains onto: an older rev and, for a commit, its prevData as the stored root.
func chainedState(for message: FirehoseMessage, did: String) -> AccountState {
    var state = AccountState(did: did, rev: "2222222222222", data: fuzzOtherCID, commit: fuzzOtherCID, lastSeq: 1)
    if case .commit(let event) = message, let prevData = event.prevData { state.data = prevData }
    return state
}

/// `BREAKWATER_FUZZ_VERBOSE=1` prints every verdict (to see which checks the corpus reaches).
let fuzzVerbose = ProcessInfo.processInfo.environment["BREAKWATER_FUZZ_VERBOSE"] == "1"

func run(_ message: FirehoseMessage, state: AccountState?, key: SigningKeyLookup?, policy: VerificationPolicy) {
    let answer = AccountMachine(policy: policy).process(message, index: 7, state: state, key: key, time: fuzzTime)
    guard case .step(let step) = answer else {
        // Only a signature failure with a key from a cache asks for a fresh key.
        fuzzRequire(message.needsSigningKey, "only a signed event asks for a fresh key")
        if case .key(_, let fresh)? = key { fuzzRequire(!fresh, "a fresh key is never asked for again") } else {
            fuzzRequire(false, "a fresh key asked for without a key")
        }
        return
    }
    let line = step.judgement.line
    if fuzzVerbose { print("verdict \(line.type.rawValue) \(line.outcome.rawValue) \(line.reason?.rawValue ?? "-")") }
    checkVerdict(line, index: 7)
    if line.outcome == .verified, case .commit(let event) = message {
        fuzzRequire(step.newState?.rev == event.rev && step.newState?.sync == .synchronized, "a verified commit is applied")
        fuzzRequire(step.verdict.verifiedCommit?.commit == event.commit, "the verified commit is the event's")
        if case .key? = key {} else { fuzzRequire(false, "verified without a key") }
    }
    if line.outcome == .rejected || line.outcome == .unverifiable || line.outcome == .ignored
        && line.reason != .staleRev {
        if message.needsSigningKey { fuzzRequire(step.verdict.verifiedCommit == nil, "no verified commit on \(line.outcome)") }
    }
}

/// An outcome line must be one Docs/CONTRACT.md §4 allows: no reason for verified/applied, else a reason of that outcome;
/// its JSON parses back.
func checkVerdict(_ line: OutcomeLine, index: Int) {
    fuzzRequire(line.index == index, "line index")
    switch line.outcome {
    case .verified, .applied:
        fuzzRequire(line.reason == nil, "\(line.outcome) with reason \(line.reason?.rawValue ?? "")")
    case .rejected, .desynchronized, .ignored, .unverifiable:
        fuzzRequire(line.reason?.outcome == line.outcome, "\(line.outcome) with reason \(line.reason?.rawValue ?? "none")")
    }
    let json = Array(line.json.utf8)
    let parsed = try? JSONParser.parse(json)
    fuzzRequire(parsed != nil, "the outcome line is JSON: \(line.json)")
}
