public import ATCrypto
public import IPLD

/// A signed commit read in place from its block, with the SHA-256 of its unsigned bytes, for checking a commit's
/// signature without building the generic map or encoding it again.
///
/// A strictly decoded block is canonical DAG-CBOR, so the commit map without `sig` is the map head with one entry
/// fewer followed by the block's bytes minus the `sig` entry: the signing digest is the SHA-256 of those pieces. The
/// in-place read accepts only the usual shape (the six v3 keys `did`, `rev`, `sig`, `data`, `prev`, `version` in
/// canonical order, each value of its type, nothing after the map). Any other block, valid or not, is read by
/// ``Commit/init(block:cid:hashVerified:acceptVersion2:)``, so a view accepts and refuses exactly what that
/// initialiser does, with the same error.
public struct CommitView: Sendable {
    /// The CID of ``bytes``.
    public let cid: CID
    /// The exact block bytes.
    public let bytes: [UInt8]
    /// The account DID (`did`), unchecked syntax.
    public let did: String
    /// The revision TID (`rev`).
    public let rev: String?
    /// The MST root (`data`).
    public let data: CID
    /// The previous commit (`prev`).
    public let prev: CID?
    /// The raw signature bytes (`sig`).
    public let signature: [UInt8]
    /// SHA-256 of the commit map without `sig`, canonically encoded: the message that was signed.
    let unsignedDigest: SHA256Hash

    /// Reads a v3 commit block whose CID is `cid`. `hashVerified` says the caller already checked that the bytes hash
    /// to `cid` (a CAR reader checks every block). Throws what ``Commit/init(block:cid:hashVerified:acceptVersion2:)``
    /// throws for the same arguments.
    public init(block: [UInt8], cid: CID, hashVerified: Bool) throws(ATRepoError) {
        if hashVerified || CID.compute(for: block) == cid, let parsed = CommitView.readCanonical(block) {
            self.cid = cid
            bytes = block
            did = parsed.did
            rev = parsed.rev
            data = parsed.data
            prev = parsed.prev
            signature = parsed.signature
            unsignedDigest = parsed.unsignedDigest
            return
        }
        let commit = try Commit(block: block, cid: cid, hashVerified: hashVerified)
        self.cid = commit.cid
        bytes = commit.bytes
        did = commit.did
        rev = commit.rev
        data = commit.data
        prev = commit.prev
        signature = commit.signature
        unsignedDigest = SHA256Hasher.hash(commit.unsignedBytes)
    }

    /// The 32 bytes of the signing digest.
    package var unsignedDigestBytes: [UInt8] { unsignedDigest.bytes }

    /// Checks ``signature`` against `key` over the unsigned commit (as ``Commit/verifySignature(with:)`` does).
    public func verifySignature(with key: PublicKey) -> SignatureCheck {
        key.verify(signature: signature, digest: unsignedDigest)
    }

    /// The fields of a block of the usual shape, read in place, and its signing digest.
    package struct Canonical {
        var did: String
        var rev: String
        var signature: [UInt8]
        var data: CID
        var prev: CID?
        var unsignedDigest: SHA256Hash
    }

    /// Reads `block` when it is a strict DAG-CBOR map of exactly the six v3 commit keys with values of their types
    /// (`data` a dag-cbor link, `prev` null or a link, `version` 3) and nothing after it; nil for anything else.
    package static func readCanonical(_ block: [UInt8]) -> Canonical? {
        block.withUnsafeBytes { buffer -> Canonical? in
            var reader = DAGCBORReader(buffer)
            do throws(IPLDError) {
                // Six entries: the minimal head is the single byte 0xa6, and the unsigned map's is 0xa5.
                guard try reader.readMapHead() == 6, reader.offset == 1 else { return nil }
                var previous: UnsafeRawBufferPointer? = nil
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "did"),
                      case .string(let did) = try reader.readValue(nestedIn: 1) else { return nil }
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "rev"),
                      case .string(let rev) = try reader.readValue(nestedIn: 1) else { return nil }
                let sigStart = reader.offset
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "sig"),
                      case .bytes(let signature) = try reader.readValue(nestedIn: 1) else { return nil }
                let sigEnd = reader.offset
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "data"),
                      case .link(let data) = try reader.readValue(nestedIn: 1), data.codec == .dagCBOR else { return nil }
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "prev") else { return nil }
                let prev: CID?
                switch try reader.readValue(nestedIn: 1) {
                case .null: prev = nil
                case .link(let link): prev = link
                default: return nil
                }
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "version"),
                      case .int(3) = try reader.readValue(nestedIn: 1), reader.isAtEnd else { return nil }
                var hasher = SHA256Hasher()
                hasher.update(byte: 0xa5)
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[1..<sigStart]))
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[sigEnd...]))
                return Canonical(did: did, rev: rev, signature: signature, data: data, prev: prev,
                                 unsignedDigest: hasher.finalize())
            } catch {
                return nil
            }
        }
    }
}
