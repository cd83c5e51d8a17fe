public import ATCrypto
public import ATIdentity
import ATRepo
public import IPLD

/// A full repository (`getRepo` CAR) that passed every check of Docs/SPEC.md §7.5 step 3: the new base of a resync.
public struct ResyncRepository: Sendable, Hashable {
    /// The account.
    public let did: String
    /// The commit's rev.
    public let rev: String
    /// The MST root (`data`).
    public let data: CID
    /// The commit CID (`roots[0]`).
    public let commit: CID
    /// The number of records in the tree.
    public let records: Int
    /// The key the signature verified with.
    public let key: PublicKey
    /// The CAR the repository was read from (kept so a mirror can be rebuilt from it in the same transaction
    /// as the new base).
    public let car: [UInt8]
}

/// What checking a repository CAR gives: the verified repository, a request to retry with a freshly resolved
/// key (the signature failed with a cached one), or the first failed check with a Docs/CONTRACT.md §4 reason.
public enum RepositoryVerdict: Sendable {
    /// Every check passed.
    case verified(ResyncRepository)
    /// The signature failed with a cached key: re-resolve once and check again.
    case needsFreshKey
    /// A check failed.
    case failed(Rejection)
}

/// Full verification of a repository export for a resync (Docs/SPEC.md §7.5 step 3), pure: the caller supplies the
/// bytes, the account's current signing key and the time.
///
/// Checked, in order: the CAR (version 1, roots, every block hashes to its CID: `malformed-car`,
/// `block-cid-mismatch`), a signing key available (`identity-unavailable`), then the repository itself with
/// ``RepositoryVerifier`` (version 3 commits only; a `bad-signature` with a cached key is
/// ``RepositoryVerdict/needsFreshKey``), and last its rev not more than 5 minutes ahead (`future-rev`).
public struct RepositoryCheck: Sendable {
    /// Creates a checker.
    public init() {}

    /// Checks `car` as the repository of `did`.
    public func check(did: String, car: [UInt8], key: SigningKeyLookup?, time: VerificationTime) -> RepositoryVerdict {
        var reader: CARReader
        do {
            reader = try CARReader(bytes: car, verifyingHashes: true)
        } catch {
            return .failed(Rejection(.malformedCAR, "getRepo CAR: \(error)"))
        }
        guard let root = reader.roots.first else { return .failed(Rejection(.malformedCAR, "getRepo CAR has no roots")) }
        var blocks = BlockMap()
        do {
            while let block = try reader.nextBlock() { blocks.insert(Array(block.data), for: block.cid) }
        } catch {
            let reason: Reason = error.code == .blockHashMismatch ? .blockCIDMismatch : .malformedCAR
            return .failed(Rejection(reason, "getRepo CAR: \(error)"))
        }
        let publicKey: PublicKey
        let fresh: Bool
        switch key {
        case .none:
            return .failed(Rejection(.identityUnavailable, "no signing key for \(did)"))
        case .unavailable(let why)?:
            return .failed(Rejection(.identityUnavailable, why))
        case .key(let found, let isFresh)?:
            publicKey = found
            fresh = isFresh
        }
        let repository: VerifiedRepository
        do {
            repository = try RepositoryVerifier(did: did, key: publicKey, acceptVersion2: false).verify(root: root, blocks: blocks)
        } catch let error as ATRepoError {
            if error.code == .badSignature && !fresh { return .needsFreshKey }
            let detail = error.code == .invalidCommit ? error.reason : error.cid.map { "\(error.reason) (\($0))" } ?? error.reason
            return .failed(Rejection(Reason(rawValue: error.code.rejectionReason) ?? .malformedMST, detail))
        } catch {
            return .failed(Rejection(.malformedMST, "\(error)"))
        }
        guard let rev = repository.rev else { return .failed(Rejection(.invalidCommit, "the commit has no rev")) }
        if let future = AccountMachine().futureRevCheck(rev, time: time) { return .failed(future) }
        return .verified(ResyncRepository(did: did, rev: rev, data: repository.data, commit: root,
                                          records: repository.recordCount, key: publicKey, car: car))
    }
}
