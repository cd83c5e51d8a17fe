import ATIdentity
import ATCrypto
@testable import FirehoseSync
import IPLD
import Testing

/// The commit checker's rules (the CAR, the signed commit, the signature, the proof), one test each, on real
/// commits (``PostLifecycle``) altered one field at a time.
@Suite("commit checker rules")
struct CommitCheckerRuleTests {
    let checker = CommitChecker(policy: .strict)
    let commits = PostLifecycle.commits
    let key = SigningKeyLookup.key(PostLifecycle.key, fresh: true)

    func altered(_ event: CommitEvent, rev: String? = nil, commit: CID? = nil, blocks: [UInt8]? = nil, repo: String? = nil) -> CommitEvent {
        CommitEvent(seq: event.seq, repo: repo ?? event.repo, rev: rev ?? event.rev, since: event.since, commit: commit ?? event.commit,
                    blocks: blocks ?? event.blocks, ops: event.ops, prevData: event.prevData, time: event.time)
    }

    func reason(_ check: SliceCheck<CommitCheckResult>) -> Reason? {
        if case .failed(let rejection) = check { return rejection.reason }
        return nil
    }

    @Test func aSliceWithValidProofPasses() {
        guard case .passed(let result) = checker.check(commits[1], key: key, isFirstSight: false) else {
            Issue.record("expected the commit to pass")
            return
        }
        #expect(result.records(of: commits[1].ops).count == commits[1].ops.count)
    }

    @Test func blocksThatAreNotACARAreAMalformedCAR() {
        #expect(reason(checker.check(altered(commits[0], blocks: [0x01, 0x02, 0x03]), key: key, isFirstSight: true)) == .malformedCAR)
    }

    @Test func theCARRootMustBeTheEventsCommit() {
        #expect(reason(checker.check(altered(commits[0], commit: commits[1].commit), key: key, isFirstSight: true)) == .carRootMismatch)
    }

    @Test func theSignedCommitsRevMustBeTheEventsRev() {
        #expect(reason(checker.check(altered(commits[0], rev: commits[1].rev), key: key, isFirstSight: true)) == .fieldMismatch)
    }

    @Test func theSignedCommitsDIDMustBeTheEventsAccount() {
        #expect(reason(checker.check(altered(commits[0], repo: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"), key: key, isFirstSight: true)) == .fieldMismatch)
    }

    @Test func aSignatureByAnotherKeyIsABadSignature() {
        #expect(reason(checker.check(commits[0], key: .key(PostLifecycle.otherKey, fresh: true), isFirstSight: true)) == .badSignature)
    }

    @Test func aSignatureByAnotherCachedKeyAsksForAFreshKey() {
        guard case .needsFreshKey = checker.check(commits[0], key: .key(PostLifecycle.otherKey, fresh: false), isFirstSight: true) else {
            Issue.record("expected a fresh-key request")
            return
        }
    }

    @Test func noKeyMeansTheIdentityIsUnavailable() {
        #expect(reason(checker.check(commits[0], key: nil, isFirstSight: true)) == .identityUnavailable)
    }

    @Test func aSliceMissingTheBlocksOfTheProofFailsTheProof() throws {
        // Keep only the signed commit block: the ops cannot be proven against the tree.
        let car = try CARFile(bytes: commits[1].blocks)
        let root = try #require(car.roots.first)
        let commitBlock = try #require(car.data(for: root))
        let onlyCommit = CARWriter.write(roots: [root], blocks: [(root, Array(commitBlock))])
        let failed = reason(checker.check(altered(commits[1], blocks: onlyCommit), key: key, isFirstSight: false))
        #expect(failed == .missingProofBlock || failed == .missingRecordBlock, "\(String(describing: failed))")
    }
}
