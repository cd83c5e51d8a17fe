import ATCrypto
import ATIdentity
import ATRepo
import IPLD

/// What steps 5–8 established about a commit that passed them.
struct CommitCheckResult: Sendable {
    /// The commit's MST root.
    var data: CID
    /// The signed commit, read in place.
    var commit: CommitView
    /// The slice the commit came in (its records are read from it only when asked: ``records(of:)``).
    var car: CARSlice
    /// Leniencies applied (relay policy) or facts worth reporting.
    var warnings: [String]
    /// Conformance warnings found by the proof (a slice that proves the change only in another order).
    var conformance: [ConformanceWarning] = []

    /// `ops` with the record bytes of creates and updates, copied out of the slice.
    func records(of ops: [RepoOp]) -> [(op: RepoOp, record: [UInt8]?)] {
        ops.map { op in (op, op.cid.flatMap { car.data(for: $0) }.map { Array($0) }) }
    }
}

/// What the checks established about a `#sync` commit.
struct CheckedSyncCommit: Sendable {
    var cid: CID
    var data: CID
}

/// The outcome of the slice checks.
enum SliceCheck<Passed: Sendable>: Sendable {
    case passed(Passed)
    case failed(Rejection)
    /// The signature failed with a cached key: re-resolve and try once more.
    case needsFreshKey
}

/// Steps 5–8 of Docs/CONTRACT.md §3 for one `#commit` (and the CAR/commit/signature steps for `#sync`).
struct CommitChecker: Sendable {
    let policy: VerificationPolicy

    /// Parses the slice and the signed commit (step 5) and checks the signature (step 6). The slice is indexed in place
    /// (``CARSlice``, every block hashed once) and the commit read in place with its signing digest (``CommitView``);
    /// both accept and refuse exactly what ``CARFile`` and ``Commit`` do, with the same errors.
    func loadCommit(blocks: ArraySlice<UInt8>, expectedCommit: CID?, did: String, rev: String, key: SigningKeyLookup?)
        -> SliceCheck<(car: CARSlice, commit: CommitView)> {
        let car: CARSlice
        do {
            car = try CARSlice(bytes: blocks)
        } catch {
            if error.code == .blockHashMismatch { return .failed(Rejection(.blockCIDMismatch, error.reason)) }
            return .failed(Rejection(.malformedCAR, "\(error)"))
        }
        let root = car.root
        if let expectedCommit, root != expectedCommit {
            return .failed(Rejection(.carRootMismatch, "CAR root \(root.string) is not commit \(expectedCommit.string)"))
        }
        guard let commitBytes = car.data(for: root) else {
            return .failed(Rejection(.carRootMismatch, "commit block \(root.string) is missing from the CAR"))
        }
        let commit: CommitView
        do {
            commit = try CommitView(block: commitBytes, cid: root, hashVerified: true)
        } catch {
            return .failed(Rejection(.invalidCommit, error.reason))
        }
        guard commit.isBy(did) else {
            return .failed(Rejection(.fieldMismatch, "commit did \(commit.did) differs from event \(did)"))
        }
        guard commit.rev == rev else {
            return .failed(Rejection(.fieldMismatch, "commit rev \(commit.rev ?? "null") differs from event rev \(rev)"))
        }
        switch key {
        case nil:
            return .failed(Rejection(.identityUnavailable, "no signing key for \(did)"))
        case .unavailable(let why)?:
            return .failed(Rejection(.identityUnavailable, why))
        case .key(let publicKey, let fresh)?:
            let check = commit.verifySignature(with: publicKey)
            if !check.isValid {
                if !fresh { return .needsFreshKey }
                return .failed(Rejection(.badSignature, "\(check) with key \(publicKey.didKey)"))
            }
        }
        return .passed((car, commit))
    }

    /// Steps 5–8 for a `#commit`. `proofArena` holds the partial tree of the proof: a worker passes its own to reuse
    /// the storage across commits; by default each check has a fresh one.
    func check(_ event: CommitEvent, key: SigningKeyLookup?, isFirstSight: Bool,
               proofArena: SliceProofArena? = nil) -> SliceCheck<CommitCheckResult> {
        let loaded: (car: CARSlice, commit: CommitView)
        switch loadCommit(blocks: event.blockBytes, expectedCommit: event.commit, did: event.repo, rev: event.rev, key: key) {
        case .passed(let value): loaded = value
        case .failed(let rejection): return .failed(rejection)
        case .needsFreshKey: return .needsFreshKey
        }
        var warnings: [String] = []
        var conformance: [ConformanceWarning] = []
        let legacy = event.prevData == nil || event.ops.contains { $0.action != .create && $0.prev == nil }
        let newRepo = event.since == nil && event.prevData == nil
        // Steps 7 and 8 run together in ATRepo: forward check, then inversion when prevData is present.
        // A missing op prev surfaces as legacy-commit only after the forward check passed.
        let outcome = SliceProof.verify(data: loaded.commit.data, prevData: event.prevData, ops: event.ops,
                                        blocks: loaded.car, arena: proofArena ?? SliceProofArena())
        switch outcome {
        case .invalid(let failure) where failure.reason == .legacyCommit:
            break
        case .invalid(let failure):
            let rejection = Rejection(Reason(rawValue: failure.reason.rawValue) ?? .malformedMST, failure.description)
            if policy.tolerates(rejection.reason) {
                warnings.append("\(rejection.reason.rawValue): \(rejection.detail)")
            } else {
                return .failed(rejection)
            }
        case .valid(_, let order):
            switch order {
            case .normalized: break
            case .reverseListed: conformance.append(.inversionOrderReverse)
            case .listed: conformance.append(.inversionOrderListed)
            }
        }
        if legacy && !newRepo {
            let why = event.prevData == nil ? "commit has no prevData" : "an update or delete has no prev"
            guard policy.tolerates(.legacyCommit) else { return .failed(Rejection(.legacyCommit, why)) }
            warnings.append("legacy-commit: " + why)
        }
        return .passed(CommitCheckResult(data: loaded.commit.data, commit: loaded.commit, car: loaded.car,
                                         warnings: warnings, conformance: conformance))
    }

    /// Steps 5–6 for a `#sync`.
    func checkSync(_ event: SyncEvent, key: SigningKeyLookup?) -> SliceCheck<CheckedSyncCommit> {
        switch loadCommit(blocks: event.blocks[...], expectedCommit: nil, did: event.did, rev: event.rev, key: key) {
        case .passed(let value): return .passed(CheckedSyncCommit(cid: value.car.root, data: value.commit.data))
        case .failed(let rejection): return .failed(rejection)
        case .needsFreshKey: return .needsFreshKey
        }
    }
}
