// Target `decode`: the in-place decoders against the generic ones they replace, on the same input. The input is read
// as a frame (DecodedEvent.decode against decodeGeneric, both policies), as a CAR (CARSlice against CARFile) and as a
// commit block (CommitView against Commit) and as a `#commit` ops array (RepoOp.readListedInPlace against the generic
// decode and RepoOp.parseList); when it is a frame whose body has `blocks`, those are read the same way,
// and so is the root block of every CAR that parses. Oracle: both accept with equal results, or both refuse with the
// same error text.

func fuzzDecode(_ bytes: [UInt8]) {
    compareFrames(bytes)
    compareSlices(bytes)
    compareCommits(bytes)
    compareOps(bytes)
    if let frame = try? Frame(decoding: bytes), case .bytes(let blocks)? = frame.body["blocks"] {
        compareSlices(blocks)
    }
}

func compareSlices(_ bytes: [UInt8]) {
    let old: Result<CARFile, IPLDError> = Result { () throws(IPLDError) in try CARFile(bytes: bytes) }
    let new: Result<CARSlice, IPLDError> = Result { () throws(IPLDError) in try CARSlice(bytes: bytes) }
    switch (old, new) {
    case (.failure(let a), .failure(let b)):
        fuzzRequire(a.description == b.description, "CAR errors differ: \(a) | \(b)")
    case (.success(let a), .success(let b)):
        fuzzRequire(a.roots == b.roots && a.blocks.count == b.sections.count, "CAR roots or section counts differ")
        for (block, section) in zip(a.blocks, b.sections) {
            fuzzRequire(block.cid == section.cid && block.data.indices == section.data, "CAR sections differ")
            fuzzRequire(a.data(for: block.cid) == b.data(for: block.cid), "CAR lookups differ")
        }
        if let root = a.roots.first, let block = a.data(for: root) { compareCommits(Array(block)) }
    default:
        fuzzRequire(false, "one CAR reader accepts what the other refuses")
    }
}

func compareCommits(_ block: [UInt8]) {
    let cid = CID.compute(for: block)
    let old: Result<Commit, ATRepoError> = Result { () throws(ATRepoError) in try Commit(block: block, cid: cid, hashVerified: true) }
    let new: Result<CommitView, ATRepoError> = Result { () throws(ATRepoError) in try CommitView(block: block, cid: cid, hashVerified: true) }
    switch (old, new) {
    case (.failure(let a), .failure(let b)):
        fuzzRequire(a.description == b.description, "commit errors differ: \(a) | \(b)")
    case (.success(let a), .success(let b)):
        fuzzRequire(a.did == b.did && a.rev == b.rev && a.data == b.data && a.prev == b.prev && a.signature == b.signature,
                    "commit fields differ")
        fuzzRequire(b.unsignedDigestBytes == CID.compute(for: a.unsignedBytes).digest, "signing digests differ")
    default:
        fuzzRequire(false, "one commit reader accepts what the other refuses")
    }
}

func compareOps(_ bytes: [UInt8]) {
    let listed: [RepoOp.Listed]? = bytes.withUnsafeBytes { buffer in
        var reader = DAGCBORReader(buffer)
        guard let listed = RepoOp.readListedInPlace(&reader), reader.isAtEnd else { return nil }
        return listed
    }
    guard let listed else { return }  // declined: the frame goes to the generic decode
    guard case .list(let raw)? = try? DAGCBOR.decode(bytes) else {
        fuzzRequire(false, "ops read in place that the generic decode refuses")
        return
    }
    fuzzRequire("\(RepoOp.parseList(listed: listed))" == "\(RepoOp.parseList(raw))", "ops differ")
}

func compareFrames(_ bytes: [UInt8]) {
    for policy in [VerificationPolicy.strict, .relay] {
        let new = DecodedEvent.decode(bytes, index: 1, policy: policy)
        let old = DecodedEvent.decodeGeneric(bytes, index: 1, policy: policy)
        switch (new, old) {
        case (.message(.commit(let a), _, _), .message(.commit(let b), _, _)):
            fuzzRequire(a.seq == b.seq && a.repo == b.repo && a.rev == b.rev && a.since == b.since && a.commit == b.commit
                        && a.blocks == b.blocks && a.ops == b.ops && a.prevData == b.prevData && a.time == b.time
                        && a.tooBig == b.tooBig && a.rebase == b.rebase && a.listedOpCount == b.listedOpCount
                        && a.warnings == b.warnings, "commit events differ")
        case (.message(.commit, _, _), _), (_, .message(.commit, _, _)):
            fuzzRequire(false, "one frame decode gives a commit, the other does not")
        case (.final(let a, _), .final(let b, _)):
            fuzzRequire("\(a.event) \(a.verdict)" == "\(b.event) \(b.verdict)", "frame verdicts differ")
        case (.message, .message):
            break
        default:
            fuzzRequire(false, "one frame decode gives a message, the other a verdict")
        }
    }
}
