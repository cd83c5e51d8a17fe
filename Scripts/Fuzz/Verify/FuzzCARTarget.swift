// Target `car`: the CAR slice as the verifier reads it: header and roots, every block (with and without hash
// checks), lookups by CID, the commit block, and the blocks as dag-cbor. The input is read as a CAR and, when it is
// a commit frame, its `blocks` are read the same way.

func fuzzCAR(_ bytes: [UInt8]) {
    checkSlice(bytes)
    if case .message(.commit(let event), _, _) = DecodedEvent.decode(bytes, index: 0) {
        checkSlice(event.blocks)
    }
}

func checkSlice(_ bytes: [UInt8]) {
    let verified = try? CARFile(bytes: bytes)
    guard let car = verified ?? (try? CARFile(bytes: bytes, verifyingHashes: false)) else { return }
    for block in car.blocks {
        fuzzRequire(block.data.startIndex >= 0 && block.data.endIndex <= bytes.count, "block slice inside the input")
        let found = car.data(for: block.cid)
        fuzzRequire(found != nil, "every block is found by its CID")
        if verified != nil { fuzzRequire(block.hashMatches, "a hash-checked block hashes to its CID") }
        _ = car.contains(block.cid)
        _ = try? car.withBlock(for: block.cid) { buffer throws(ATRepoError) in buffer.count }
        _ = try? block.decode()
    }
    fuzzRequire(car.uniqueBlockCount <= car.blocks.count, "unique blocks are at most the blocks")
    if let root = car.roots.first, let commitBytes = car.data(for: root) {
        if let commit = try? Commit(block: Array(commitBytes), cid: root, hashVerified: car.verifiedHashes) {
            _ = commit.data
        }
    }
}
