// Target `sliceproof`: SliceProof (the arena proof) against CommitProof (the reference) on a commit frame's ops,
// prevData and slice, read without checking block hashes so that mutated nodes reach the tree rules. The two must
// give the same outcome (reason, text, CIDs, order of inversion, inverted root) as given, with the ops reversed,
// without prevData, and with each of the first blocks dropped; any difference traps.

/// One arena for the whole run, as a worker keeps one: state left by one input must not change the next verdict.
nonisolated(unsafe) let fuzzSliceProofArena = SliceProofArena()

func fuzzSliceProof(_ bytes: [UInt8]) {
    guard case .message(.commit(let event), _, _) = DecodedEvent.decode(bytes, index: 0) else { return }
    guard let car = try? CARFile(bytes: event.blocks, verifyingHashes: false) else { return }
    guard let root = car.roots.first, let commitBytes = car.data(for: root),
          let commit = try? Commit(block: Array(commitBytes), cid: root) else { return }
    fuzzSameProof(data: commit.data, prevData: event.prevData, ops: event.ops, car: car)
    var map = BlockMap()
    for block in car.blocks where map.blocks[block.cid] == nil { map.blocks[block.cid] = Array(block.data) }
    fuzzSameProof(data: commit.data, prevData: event.prevData, ops: event.ops.reversed(), blocks: map)
    fuzzSameProof(data: commit.data, prevData: nil, ops: event.ops, blocks: map)
    for cid in map.blocks.keys.sorted().prefix(16) where cid != root {
        var dropped = map
        dropped.blocks[cid] = nil
        fuzzSameProof(data: commit.data, prevData: event.prevData, ops: event.ops, blocks: dropped)
    }
}

/// Traps unless both proofs give the same outcome over the CAR.
func fuzzSameProof(data: CID, prevData: CID?, ops: [RepoOp], car: CARFile) {
    let reference = CommitProof.verify(data: data, prevData: prevData, ops: ops, blocks: car)
    let candidate = SliceProof.verify(data: data, prevData: prevData, ops: ops, blocks: car, arena: fuzzSliceProofArena)
    fuzzRequire(candidate == reference && candidate.failure?.description == reference.failure?.description,
                "SliceProof \(candidate) differs from CommitProof \(reference)")
}

/// Traps unless both proofs give the same outcome over a block map.
func fuzzSameProof(data: CID, prevData: CID?, ops: [RepoOp], blocks: BlockMap) {
    let reference = CommitProof.verify(data: data, prevData: prevData, ops: ops, blocks: blocks)
    let candidate = SliceProof.verify(data: data, prevData: prevData, ops: ops, blocks: blocks, arena: fuzzSliceProofArena)
    fuzzRequire(candidate == reference && candidate.failure?.description == reference.failure?.description,
                "SliceProof \(candidate) differs from CommitProof \(reference)")
}
