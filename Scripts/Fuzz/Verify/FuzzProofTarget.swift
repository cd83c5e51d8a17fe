// Target `proof`: MST node decoding, partial-tree loading, walking, and CommitProof.verify over a commit's slice.
// The input is read two ways: as one MST node block, and as a commit frame whose ops, prevData and blocks are
// proven (block hashes are not checked, so mutated nodes reach the tree rules instead of stopping at the hash).

func fuzzProof(_ bytes: [UInt8]) {
    // One node block: the strict parser accepts only the canonical shape, so what it accepts re-encodes exactly.
    if let decoded = try? MSTNode.decode(bytes) {
        fuzzRequire(decoded.keys.count == decoded.values.count && decoded.rights.count == decoded.keys.count,
                    "a decoded node has one value and one right link per key")
        fuzzRequire(decoded.keys.count <= mstMaxEntriesPerNode, "entries per node are capped")
        for index in decoded.keys.indices.dropFirst() {
            fuzzRequire(decoded.keys[index - 1].lexicographicallyPrecedes(decoded.keys[index]), "keys strictly increase")
        }
    }
    guard case .message(.commit(let event), _, _) = DecodedEvent.decode(bytes, index: 0) else { return }
    guard let car = try? CARFile(bytes: event.blocks, verifyingHashes: false) else { return }
    for block in car.blocks {
        _ = try? MSTNode.decode(Array(block.data))
    }
    guard let root = car.roots.first, let commitBytes = car.data(for: root),
          let commit = try? Commit(block: Array(commitBytes), cid: root) else { return }
    if let tree = try? MST(root: commit.data, blocks: car) {
        // Undoing the ops on the partial tree either lands on a root or says why, never traps.
        if case .failure(let failure) = CommitProof.invert(event.ops, on: tree) {
            fuzzRequire(Reason(rawValue: failure.reason.rawValue) != nil, "inversion failure is a contract reason")
        }
    }
    var visited = 0
    try? MSTWalker.walk(root: commit.data, blocks: car) { _ in
        visited += 1
        if visited > 1_000_000 { fatalError("walk does not end") }
    }
    let result = CommitProof.verify(data: commit.data, prevData: event.prevData, ops: event.ops, blocks: car)
    switch result {
    case .valid(let previousData, _):
        if let prevData = event.prevData { fuzzRequire(previousData == prevData, "a valid proof lands on prevData") }
    case .invalid(let failure):
        fuzzRequire(Reason(rawValue: failure.reason.rawValue) != nil, "proof failure \(failure.reason.rawValue) is a contract reason")
    }
    // The proof is a pure function of its inputs.
    fuzzRequire(CommitProof.verify(data: commit.data, prevData: event.prevData, ops: event.ops, blocks: car) == result,
                "the proof is deterministic")
}
