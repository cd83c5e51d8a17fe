public import ATCrypto
public import IPLD

/// A signed repository commit (Docs/SPEC.md §4), keeping its exact block bytes and CID.
///
/// Decoding is strict DAG-CBOR and checks field types. The unsigned bytes used for signatures are
/// the generic map minus `sig`, re-encoded canonically, so unknown extra fields stay covered by the
/// signature (the TypeScript reference behaviour, Docs/SPEC.md §4).
public struct Commit: Sendable, Hashable {
    /// The CID of ``bytes`` (CIDv1 dag-cbor sha-256).
    public let cid: CID
    /// The exact block bytes.
    public let bytes: [UInt8]
    /// The account DID (`did`), unchecked syntax.
    public let did: String
    /// The format version: 3, or 2 for legacy exports.
    public let version: Int
    /// The MST root (`data`).
    public let data: CID
    /// The previous commit (`prev`), almost always null.
    public let prev: CID?
    /// The revision TID (`rev`); required in v3, optional in v2.
    public let rev: String?
    /// The raw signature bytes (`sig`); 64-byte r‖s when well formed.
    public let signature: [UInt8]
    /// Every field of the commit map, as decoded.
    public let fields: [String: IPLDValue]

    /// Decodes a commit block. `cid` is computed from the bytes when not given; when given it must
    /// match. Version 2 is accepted only with `acceptVersion2` (old repository exports).
    ///
    /// Throws `invalid-commit` for bytes that are not strict DAG-CBOR, a wrong field type, a missing
    /// field (`prev` must be present in v3, null or a link), a non-dag-cbor `data` link, or another version.
    ///
    /// `hashVerified` says the caller already checked that the bytes hash to `cid` (a CAR reader checks
    /// every block), so the block is not hashed a second time; it has no effect without `cid`.
    public init(block: [UInt8], cid: CID? = nil, hashVerified: Bool = false, acceptVersion2: Bool = false) throws(ATRepoError) {
        let computed: CID
        if let cid, hashVerified {
            computed = cid
        } else {
            computed = CID.compute(for: block)
            if let cid, cid != computed {
                throw ATRepoError(.invalidCommit, "the commit bytes do not hash to the given CID", cid: cid)
            }
        }
        let value: IPLDValue
        do {
            value = try DAGCBOR.decode(block)
        } catch {
            throw ATRepoError(.invalidCommit, "commit is not strict DAG-CBOR: \(error)", cid: computed)
        }
        guard let fields = value.mapValue else { throw ATRepoError(.invalidCommit, "commit is not a map", cid: computed) }
        guard let version = fields["version"]?.intValue else {
            throw ATRepoError(.invalidCommit, "commit has no integer version", cid: computed)
        }
        guard version == 3 || (version == 2 && acceptVersion2) else {
            throw ATRepoError(.invalidCommit, "commit version \(version) is not supported", cid: computed)
        }
        guard let did = fields["did"]?.stringValue else { throw ATRepoError(.invalidCommit, "commit has no did string", cid: computed) }
        guard let data = fields["data"]?.linkValue, data.codec == .dagCBOR else {
            throw ATRepoError(.invalidCommit, "commit has no dag-cbor data link", cid: computed)
        }
        guard let sig = fields["sig"]?.bytesValue else { throw ATRepoError(.invalidCommit, "commit has no sig bytes", cid: computed) }
        var prev: CID? = nil
        switch fields["prev"] {
        case .null?: break
        case .link(let link)?: prev = link
        case nil where version == 2: break
        default: throw ATRepoError(.invalidCommit, "commit prev must be present, null or a link", cid: computed)
        }
        var rev: String? = nil
        switch fields["rev"] {
        case .string(let text)?: rev = text
        case nil where version == 2: break
        default: throw ATRepoError(.invalidCommit, "commit has no rev string", cid: computed)
        }
        self.cid = computed
        self.bytes = block
        self.did = did
        self.version = Int(version)
        self.data = data
        self.prev = prev
        self.rev = rev
        self.signature = sig
        self.fields = fields
    }

    /// The bytes that are signed: the commit map without `sig`, encoded canonically.
    public var unsignedBytes: [UInt8] {
        var unsigned = fields
        unsigned["sig"] = nil
        return DAGCBOR.encode(.map(unsigned))
    }

    /// Checks ``signature`` against `key` over ``unsignedBytes`` (atproto signs the SHA-256 of the commit map
    /// without `sig`, canonically encoded). A block of the usual shape is hashed in place (``CommitView``), without
    /// encoding the map again. Spec: https://atproto.com/specs/repository#commit-objects
    public func verifySignature(with key: PublicKey) -> SignatureCheck {
        if let canonical = CommitView.readCanonical(bytes[...]) {
            return key.verify(signature: signature, digest: canonical.unsignedDigest)
        }
        return key.verify(signature: signature, message: unsignedBytes)
    }

    /// Creates and signs a v3 commit. `sign` receives the unsigned commit bytes (the message, to be
    /// hashed with SHA-256 by the signer) and returns the 64-byte r‖s signature.
    public static func signed(
        did: String, rev: String, data: CID, prev: CID? = nil,
        sign: (_ message: [UInt8]) throws -> [UInt8]
    ) throws -> Commit {
        var fields: [String: IPLDValue] = [
            "did": .string(did), "rev": .string(rev), "data": .link(data),
            "prev": prev.map { .link($0) } ?? .null, "version": .int(3),
        ]
        let signature = try sign(DAGCBOR.encode(.map(fields)))
        fields["sig"] = .bytes(signature)
        return try Commit(block: DAGCBOR.encode(.map(fields)))
    }
}
