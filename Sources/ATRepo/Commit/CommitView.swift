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
    /// The block, where it was read (a slice of the frame's CAR keeps the frame's buffer, with no copy).
    private let block: ArraySlice<UInt8>
    /// The exact block bytes (a copy, made when asked).
    public var bytes: [UInt8] { Array(block) }
    /// The UTF-8 of the account DID (`did`), in place in the block when read in place.
    private let didBytes: ArraySlice<UInt8>
    /// The account DID (`did`), unchecked syntax (built when asked).
    public var did: String { String(decoding: didBytes, as: UTF8.self) }
    /// The revision TID (`rev`).
    public let rev: String?
    /// The MST root (`data`).
    public let data: CID
    /// The previous commit (`prev`).
    public let prev: CID?
    /// The raw signature bytes (`sig`), in place in the block when read in place.
    private let signatureBytes: ArraySlice<UInt8>
    /// The raw signature bytes (`sig`), copied when asked.
    public var signature: [UInt8] { Array(signatureBytes) }
    /// SHA-256 of the commit map without `sig`, canonically encoded: the message that was signed.
    let unsignedDigest: SHA256Hash

    /// Reads a v3 commit block whose CID is `cid`. `hashVerified` says the caller already checked that the bytes hash
    /// to `cid` (a CAR reader checks every block). Throws what ``Commit/init(block:cid:hashVerified:acceptVersion2:)``
    /// throws for the same arguments.
    public init(block: [UInt8], cid: CID, hashVerified: Bool) throws(ATRepoError) {
        try self.init(block: block[...], cid: cid, hashVerified: hashVerified)
    }

    /// Reads a v3 commit block in place from a slice (a block of a CAR read in place), as
    /// the array initialiser reads it (same verdicts, same errors), without copying it.
    public init(block: ArraySlice<UInt8>, cid: CID, hashVerified: Bool) throws(ATRepoError) {
        if hashVerified || block.withUnsafeBytes({ CID.compute(for: $0) }) == cid, let parsed = CommitView.readCanonical(block) {
            self.cid = cid
            self.block = block
            didBytes = block[(block.startIndex + parsed.did.lowerBound)..<(block.startIndex + parsed.did.upperBound)]
            rev = parsed.rev
            data = parsed.data
            prev = parsed.prev
            signatureBytes = block[(block.startIndex + parsed.signature.lowerBound)..<(block.startIndex + parsed.signature.upperBound)]
            unsignedDigest = parsed.unsignedDigest
            return
        }
        let commit = try Commit(block: Array(block), cid: cid, hashVerified: hashVerified)
        self.cid = commit.cid
        self.block = commit.bytes[...]
        didBytes = Array(commit.did.utf8)[...]
        rev = commit.rev
        data = commit.data
        prev = commit.prev
        signatureBytes = commit.signature[...]
        unsignedDigest = SHA256Hasher.hash(commit.unsignedBytes)
    }

    /// Whether the commit's `did` equals `did` as `String`s do (``did`` `==` `did`). For ASCII text, which every valid DID
    /// is, that is byte equality, decided in place with no string built; any other text is compared as strings.
    public func isBy(_ did: String) -> Bool {
        var did = did
        return did.withUTF8 { text in
            if text.allSatisfy({ $0 < 0x80 }) && didBytes.allSatisfy({ $0 < 0x80 }) { return text.elementsEqual(didBytes) }
            return self.did == String(decoding: text, as: UTF8.self)
        }
    }

    /// The 32 bytes of the signing digest.
    package var unsignedDigestBytes: [UInt8] { unsignedDigest.bytes }

    /// Checks ``signature`` against `key` over the unsigned commit (as ``Commit/verifySignature(with:)`` does).
    public func verifySignature(with key: PublicKey) -> SignatureCheck {
        key.verify(signature: signatureBytes, digest: unsignedDigest)
    }

    /// The fields of a block of the usual shape, read in place, and its signing digest.
    package struct Canonical {
        /// Where the UTF-8 of `did` lies, as offsets from the block's start.
        var did: Range<Int>
        var rev: String
        /// Where the signature's bytes lie, as offsets from the block's start.
        var signature: Range<Int>
        var data: CID
        var prev: CID?
        var unsignedDigest: SHA256Hash
    }

    /// Reads `block` when it is a strict DAG-CBOR map of exactly the six v3 commit keys with values of their types
    /// (`data` a dag-cbor link, `prev` null or a link, `version` 3) and nothing after it; nil for anything else.
    package static func readCanonical(_ block: ArraySlice<UInt8>) -> Canonical? {
        block.withUnsafeBytes { buffer -> Canonical? in
            var reader = DAGCBORReader(buffer)
            do throws(IPLDError) {
                // Six entries: the minimal head is the single byte 0xa6, and the unsigned map's is 0xa5.
                guard try reader.readMapHead() == 6, reader.offset == 1 else { return nil }
                var previous: UnsafeRawBufferPointer? = nil
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "did"),
                      let did = try reader.readTextRange() else { return nil }
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "rev"),
                      case .string(let rev) = try reader.readValue(nestedIn: 1) else { return nil }
                let sigStart = reader.offset
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "sig"),
                      let signature = try reader.readByteStringRange() else { return nil }
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
