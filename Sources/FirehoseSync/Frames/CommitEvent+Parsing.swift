package import ATRepo
public import IPLD

extension CommitEvent {
    /// Parses and checks a `#commit` body's envelope, in the order of Docs/CONTRACT.md §3 step 2:
    /// required fields and types; `repo` a DID, `rev` a TID; ops well-formed; no duplicate paths;
    /// ≤ 200 ops; `blocks` ≤ 2,000,000 bytes; `tooBig`/`rebase` false.
    ///
    /// Unsigned metadata is read leniently, each deviation a ``ConformanceWarning``: `since: ""` is absent;
    /// `time` in the forms servers send, or missing (the receipt time stands in); `blobs`, `rebase` and
    /// `tooBig` may be absent. A `delete` followed by a `create` of the same path (the create without `prev`
    /// or with the delete's `prev`) composes into one update.
    ///
    /// A missing op `prev` on an update or delete is not refused here (it is judged at inversion).
    /// With `enforceDeprecatedFlags` false (relay policy) true flags pass and are reported in `warnings`.
    public static func parse(_ body: [String: IPLDValue], enforceDeprecatedFlags: Bool = true) -> Result<CommitEvent, Rejection> {
        func missing(_ field: String) -> Result<CommitEvent, Rejection> {
            .failure(Rejection(.malformedEvent, "#commit field '\(field)' is missing or has the wrong type"))
        }
        var warnings: [ConformanceWarning] = []
        /// A deprecated boolean flag: its value, false with a warning when absent, nil when of another type.
        func flag(_ name: String, absent: ConformanceWarning) -> Bool? {
            switch body[name] {
            case .bool(let value)?: return value
            case nil:
                warnings.append(absent)
                return false
            default: return nil
            }
        }
        guard let seq = body["seq"]?.intValue else { return missing("seq") }
        guard EventSeq.isValid(seq) else { return .failure(EventSeq.rejection(seq, type: "#commit")) }
        guard let repo = body["repo"]?.stringValue else { return missing("repo") }
        guard let rev = body["rev"]?.stringValue else { return missing("rev") }
        var since: String? = nil
        switch body["since"] {
        case .string(let s)? where s.isEmpty: warnings.append(.sinceEmpty)
        case .string(let s)?: since = s
        case .null?: since = nil
        default: return missing("since")
        }
        guard let commit = body["commit"]?.linkValue else { return missing("commit") }
        guard let blocks = body["blocks"]?.bytesValue else { return missing("blocks") }
        guard let rawOps = body["ops"]?.listValue else { return missing("ops") }
        var prevData: CID? = nil
        switch body["prevData"] {
        case .link(let cid)?: prevData = cid
        case .null?, nil: prevData = nil
        default: return missing("prevData")
        }
        let time = EnvelopeTime.read(body["time"])
        if let warning = time.warning { warnings.append(warning) }
        guard let tooBig = flag("tooBig", absent: .tooBigAbsent) else { return missing("tooBig") }
        guard let rebase = flag("rebase", absent: .rebaseAbsent) else { return missing("rebase") }
        switch body["blobs"] {
        case .list?, .null?: break  // deprecated; old frames carry values or null
        case nil: warnings.append(.blobsAbsent)
        default: return missing("blobs")
        }
        guard SyntaxCheck.isDID(repo) else {
            return .failure(Rejection(.malformedEvent, "repo '\(repo.prefix(100))' is not a valid DID"))
        }
        guard SyntaxCheck.isTID(rev) else {
            return .failure(Rejection(.malformedEvent, "rev '\(rev.prefix(40))' is not a valid TID"))
        }
        if let since, !SyntaxCheck.isTID(since) {
            return .failure(Rejection(.malformedEvent, "since '\(since.prefix(40))' is not a valid TID"))
        }
        let ops: [RepoOp]
        switch RepoOp.parseList(rawOps) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let parsed):
            ops = parsed.ops
            if parsed.composed { warnings.append(.deleteCreateSamePath) }
        }
        if rawOps.count > CommitEvent.maxOps {
            return .failure(Rejection(.oversize, "\(rawOps.count) ops exceed the limit of \(CommitEvent.maxOps)"))
        }
        if blocks.count > CommitEvent.maxBlocksSize {
            return .failure(Rejection(.oversize, "blocks of \(blocks.count) bytes exceed \(CommitEvent.maxBlocksSize)"))
        }
        if enforceDeprecatedFlags && (tooBig || rebase) {
            return .failure(Rejection(.deprecatedFlag, tooBig ? "tooBig is true" : "rebase is true"))
        }
        return .success(CommitEvent(seq: seq, repo: repo, rev: rev, since: since, commit: commit, blocks: blocks,
                                    ops: ops, prevData: prevData, time: time.text, tooBig: tooBig, rebase: rebase,
                                    listedOpCount: rawOps.count, warnings: warnings))
    }
}

extension RepoOp {
    /// Parses the `ops` array in list order. Ops on one path apply in list order: a `delete` (prev A) followed
    /// by a `create` (cid B, with no `prev` or with `prev` A) composes into one update A→B, kept at the delete's
    /// place; any other repetition of a path is `duplicate-path`, and a `create` with a `prev` that does not
    /// follow a delete of its path is `invalid-op`.
    package static func parseList(_ rawOps: [IPLDValue]) -> Result<(ops: [RepoOp], composed: Bool), Rejection> {
        compose(count: rawOps.count) { index in RepoOp.parse(rawOps[index], index: index, allowCreatePrev: true) }
    }

    /// ``parseList(_:)`` over ops read in place (``readListedInPlace(_:)``): the same checks, the same rejections.
    package static func parseList(listed: [Listed]) -> Result<(ops: [RepoOp], composed: Bool), Rejection> {
        compose(count: listed.count) { index in
            let op = listed[index]
            return checked(actionText: op.action, path: op.path, cid: op.cid, prev: op.prev, index: index, allowCreatePrev: true)
        }
    }

    /// The list rules of ``parseList(_:)`` (``OpListComposer``) over `count` ops, each given (or refused) by
    /// `parsedOp(index)`.
    private static func compose(count: Int, _ parsedOp: (Int) -> Result<RepoOp, Rejection>) -> Result<(ops: [RepoOp], composed: Bool), Rejection> {
        var composer = OpListComposer(count: count)
        for index in 0..<count {
            switch parsedOp(index) {
            case .failure(let rejection): return .failure(rejection)
            case .success(let op): if let rejection = composer.add(op, index: index) { return .failure(rejection) }
            }
        }
        return .success((composer.ops, composer.composed))
    }

    /// Parses one `#repoOp`: create needs a cid and no prev; update needs a cid (different from prev);
    /// delete has no cid; the path is `collection/rkey`.
    /// With `allowCreatePrev`, a create's `prev` is left for ``parseList(_:)`` to judge.
    static func parse(_ raw: IPLDValue, index: Int, allowCreatePrev: Bool = false) -> Result<RepoOp, Rejection> {
        guard case .map(let map) = raw else {
            return .failure(Rejection(.malformedEvent, "ops[\(index)] is not a map"))
        }
        guard let actionText = map["action"]?.stringValue, let path = map["path"]?.stringValue else {
            return .failure(Rejection(.malformedEvent, "ops[\(index)] lacks a string action or path"))
        }
        var cid: CID? = nil
        switch map["cid"] {
        case .link(let c)?: cid = c
        case .null?, nil: cid = nil
        default: return .failure(Rejection(.malformedEvent, "ops[\(index)].cid is not a link or null"))
        }
        var prev: CID? = nil
        switch map["prev"] {
        case .link(let c)?: prev = c
        case .null?, nil: prev = nil
        default: return .failure(Rejection(.malformedEvent, "ops[\(index)].prev is not a link or null"))
        }
        return checked(actionText: actionText, path: path, cid: cid, prev: prev, index: index, allowCreatePrev: allowCreatePrev)
    }

    /// The checks of one op after its fields were read with their types: a known action, a `collection/rkey` path,
    /// and the fields the action needs.
    static func checked(actionText: String, path: String, cid: CID?, prev: CID?, index: Int,
                        allowCreatePrev: Bool) -> Result<RepoOp, Rejection> {
        guard let action = Action(rawValue: actionText) else {
            return .failure(Rejection(.invalidOp, "ops[\(index)] has unknown action '\(actionText.prefix(40))'"))
        }
        guard SyntaxCheck.isRepoPath(path) else {
            return .failure(Rejection(.invalidOp, "ops[\(index)] path '\(path.prefix(200))' is not collection/rkey"))
        }
        switch action {
        case .create:
            guard cid != nil else { return .failure(Rejection(.invalidOp, "ops[\(index)] create of \(path) has no cid")) }
            guard prev == nil || allowCreatePrev else {
                return .failure(Rejection(.invalidOp, "ops[\(index)] create of \(path) has a prev"))
            }
        case .update:
            guard let cid else { return .failure(Rejection(.invalidOp, "ops[\(index)] update of \(path) has no cid")) }
            if let prev, prev == cid {
                return .failure(Rejection(.invalidOp, "ops[\(index)] update of \(path) does not change the record (cid == prev)"))
            }
        case .delete:
            guard cid == nil else { return .failure(Rejection(.invalidOp, "ops[\(index)] delete of \(path) has a cid")) }
        }
        return .success(RepoOp(action: action, path: path, cid: cid, prev: prev))
    }
}
