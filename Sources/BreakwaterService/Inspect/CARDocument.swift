package import ATCrypto
import ATRepo
package import IPLD

/// What `inspect car` shows: a CAR's roots and blocks, or the repository it holds once verified.
package enum CARDocument {
    /// The `reason` of a `--verify` without a key: everything else passed, but the signature was not checked, so the
    /// repository is not claimed verified (`verified: false`, exit 0).
    package static let signatureNotChecked = "signature not checked: no key given (--key, --did-doc or BREAKWATER_DID_DOC)"

    /// Each block's CID, byte offset (of its section), data length, whether its bytes hash to its CID, and for
    /// DAG-CBOR blocks the decoded value (or the decode error). Throws ``IPLD/IPLDError`` for an unreadable CAR.
    package static func blocks(_ bytes: [UInt8]) throws -> IPLDValue {
        var reader = try CARReader(bytes: bytes, verifyingHashes: false)
        var blocks: [IPLDValue] = []
        while let block = try reader.nextBlock() {
            var entry: [String: IPLDValue] = [
                "cid": .string(block.cid.string),
                "offset": .int(Int64(block.offset)),
                "length": .int(Int64(block.length)),
                "hashMatches": .bool(block.hashMatches),
            ]
            if block.cid.codec == .dagCBOR {
                do {
                    entry["value"] = try block.decode()
                } catch {
                    entry["error"] = .string("\(error)")
                }
            }
            blocks.append(.map(entry))
        }
        return .map([
            "version": .int(1),
            "roots": .list(reader.roots.map { .string($0.string) }),
            "blocks": .list(blocks),
        ])
    }

    /// The CAR checked as a full repository by ``ATRepo/RepositoryVerifier`` (every block hash, the commit, the whole
    /// tree rebuilt to the commit's `data`, the record count; the DID when `did` is given; the signature when `key`
    /// is given). Throws the verifier's code as a ``ServiceError``, or ``IPLD/IPLDError`` for an unreadable CAR.
    package static func verifiedRepository(_ bytes: [UInt8], did: String?, key: PublicKey?) throws -> IPLDValue {
        let car = try CARFile(bytes: bytes)  // every block's hash is checked here
        let repository: VerifiedRepository
        do {
            repository = try RepositoryVerifier(did: did, key: key, acceptVersion2: true).verify(root: car.root, blocks: car)
        } catch let error as ATRepoError {
            throw ServiceError("\(error.code)", error.reason)
        }
        let commit = repository.commit
        let signature = repository.signatureChecked ? "valid" : "not-checked"
        var commitJSON: [String: IPLDValue] = [
            "cid": .string(commit.cid.string), "did": .string(commit.did), "version": .int(Int64(commit.version)),
            "data": .string(commit.data.string),
        ]
        if let rev = commit.rev { commitJSON["rev"] = .string(rev) }
        return .map([
            "roots": .list(car.roots.map { .string($0.string) }),
            "blocks": .int(Int64(car.blocks.count)),
            "commit": .map(commitJSON),
            "records": .int(Int64(repository.recordCount)),
            "mstRoot": .string(repository.data.string),
            "rebuilt": .bool(true),
            "signature": .string(signature),
            "verified": .bool(key != nil),
            "reason": key == nil ? .string(signatureNotChecked) : .null,
        ])
    }
}
