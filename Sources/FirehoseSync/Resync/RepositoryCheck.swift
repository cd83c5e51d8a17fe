public import ATCrypto
public import ATIdentity
import ATRepo
public import IPLD

/// A full repository (`getRepo` CAR) that passed every check of SPEC.md §7.5 step 3: the new base of a resync.
public struct VerifiedRepository: Sendable, Hashable {
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
/// key (the signature failed with a cached one), or the first failed check with a CONTRACT.md §4 reason.
public enum RepositoryVerdict: Sendable {
    /// Every check passed.
    case verified(VerifiedRepository)
    /// The signature failed with a cached key: re-resolve once and check again.
    case needsFreshKey
    /// A check failed.
    case failed(Rejection)
}

/// Full verification of a repository export for a resync (SPEC.md §7.5 step 3), pure: the caller supplies the
/// bytes, the account's current signing key and the time.
///
/// Checked, in order: the CAR (version 1, roots, every block hashes to its CID: `malformed-car`,
/// `block-cid-mismatch`), `roots[0]` is a commit block present in the CAR (`car-root-mismatch`), the commit
/// object (version 3: `invalid-commit`), its `did` (`field-mismatch`), its rev not more than 5 minutes ahead
/// (`future-rev`), the signature with `key` (`bad-signature`, or ``RepositoryVerdict/needsFreshKey`` when the
/// key came from a cache), every tree node present and valid (`missing-proof-block`, `malformed-mst`), every
/// record present (`missing-record-block`), and the tree rebuilt from its entries equal to `data`
/// (`malformed-mst`).
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
        guard let commitBytes = blocks.block(for: root) else {
            return .failed(Rejection(.carRootMismatch, "the commit block \(root) is not in the CAR"))
        }
        let commit: Commit
        do {
            commit = try Commit(block: commitBytes, cid: root, acceptVersion2: false)
        } catch {
            return .failed(Rejection(.invalidCommit, error.reason))
        }
        guard commit.did == did else {
            return .failed(Rejection(.fieldMismatch, "the repository commit is by \(commit.did), not \(did)"))
        }
        guard let rev = commit.rev else { return .failed(Rejection(.invalidCommit, "the commit has no rev")) }
        if let future = AccountMachine().futureRevCheck(rev, time: time) { return .failed(future) }
        let publicKey: PublicKey
        switch key {
        case .none:
            return .failed(Rejection(.identityUnavailable, "no signing key for \(did)"))
        case .unavailable(let why)?:
            return .failed(Rejection(.identityUnavailable, why))
        case .key(let found, let fresh)?:
            let signature = commit.verifySignature(with: found)
            if !signature.isValid {
                if !fresh { return .needsFreshKey }
                return .failed(Rejection(.badSignature, "the repository commit does not verify with \(found.didKey): \(signature)"))
            }
            publicKey = found
        }
        let repository: Repository
        do {
            repository = try Repository(commit: root, blocks: blocks, acceptVersion2: false)
        } catch {
            let detail = error.cid.map { "\(error.reason) (\($0))" } ?? error.reason
            switch error.code {
            case .missingProofBlock: return .failed(Rejection(.missingProofBlock, detail))
            case .missingRecordBlock: return .failed(Rejection(.missingRecordBlock, detail))
            case .invalidCommit: return .failed(Rejection(.invalidCommit, detail))
            default: return .failed(Rejection(.malformedMST, detail))
            }
        }
        return .verified(VerifiedRepository(did: did, rev: rev, data: commit.data, commit: root,
                                            records: repository.recordCount, key: publicKey, car: car))
    }
}
