import ATIdentity
import ATCrypto
import FirehoseSync
import Synchronization
import Testing

/// The account machine's rules, one test each, on real commits of one account (``PostLifecycle``).
@Suite("account machine rules")
struct AccountMachineRuleTests {
    let machine = AccountMachine(policy: .strict)
    let commits = PostLifecycle.commits
    let key = SigningKeyLookup.key(PostLifecycle.key, fresh: true)

    func process(_ index: Int, state: AccountState?, key: SigningKeyLookup? = nil, machine: AccountMachine? = nil,
                 time: VerificationTime = PostLifecycle.now) -> AccountMachine.Answer {
        (machine ?? self.machine).process(.commit(commits[index]), index: index, state: state, key: key ?? self.key, time: time)
    }

    /// The state after the first `count` commits.
    func state(after count: Int) throws -> AccountState {
        var state: AccountState?
        for i in 0..<count { state = try #require(process(i, state: state).step?.newState) }
        return try #require(state)
    }

    @Test func aSignedFirstCommitIsVerifiedAndBecomesTheAccountsBase() throws {
        let step = try #require(process(0, state: nil).step)
        let verified = try #require(step.verdict.verifiedCommit)
        #expect(step.verdict.outcome == .verified)
        #expect(step.newState?.rev == commits[0].rev)
        #expect(step.newState?.data == verified.data)
        #expect(step.newState?.sync == .synchronized)
        #expect(step.judgement.line.reason == nil)
    }

    /// A machine that keeps no verified commits (an audit, no mirror) judges every commit exactly as one that does, and
    /// leaves the same state; only the copy of the commit block and records is left out of the verdict.
    @Test func aMachineWithoutVerifiedCommitsJudgesAndStoresTheSame() throws {
        let lean = AccountMachine(policy: .strict, keepsVerifiedCommits: false)
        var (state, leanState): (AccountState?, AccountState?) = (nil, nil)
        for i in commits.indices {
            let full = try #require(process(i, state: state).step)
            let light = try #require(process(i, state: leanState, machine: lean).step)
            #expect(full.judgement.line == light.judgement.line && full.newState == light.newState)
            #expect(full.verdict.verifiedCommit != nil && light.verdict.verifiedCommit == nil && light.verdict.outcome == .verified)
            (state, leanState) = (full.newState, light.newState)
        }
        print("lean machine: \(commits.count) commits judged alike")
    }

    @Test func commitsThatChainAreEachVerified() throws {
        #expect(commits.count == 6)
        var state: AccountState?
        for i in commits.indices {
            let step = try #require(process(i, state: state).step)
            #expect(step.verdict.outcome == .verified, "commit \(i): \(step.judgement.line.json)")
            state = step.newState
        }
    }

    @Test func aCommitWhosePrevDataIsNotTheStoredDataBreaksTheChain() throws {
        let step = try #require(process(2, state: try state(after: 1)).step)
        guard case .desynchronized(let rejection) = step.verdict else {
            Issue.record("expected desynchronized, got \(step.judgement.line.json)")
            return
        }
        #expect(rejection.reason == .chainBreak)
        #expect(step.newState?.sync == .desynchronized)
    }

    @Test func underTheRelayPolicyAChainBreakIsAWarningAndTheCommitApplies() throws {
        let step = try #require(process(2, state: try state(after: 1), machine: AccountMachine(policy: .relay)).step)
        #expect(step.verdict.outcome == .verified)
        #expect(step.judgement.line.detail?.contains("chain-break") == true)
    }

    @Test func aRevNotAfterTheStoredRevIsStale() throws {
        let step = try #require(process(1, state: try state(after: 2)).step)
        #expect(step.verdict.outcome == .ignored)
        #expect(step.verdict.reason == .staleRev)
        #expect(step.newState == nil)
    }

    @Test func anInactiveAccountsCommitsAreIgnored() throws {
        var state = try state(after: 1)
        state.active = false
        let step = try #require(process(1, state: state).step)
        #expect(step.verdict.reason == .accountInactive)
        #expect(step.verdict.outcome == .ignored)
    }

    @Test func aDesynchronizedAccountsCommitsWaitForItsResync() throws {
        var state = try state(after: 1)
        state.sync = .desynchronized
        let step = try #require(process(1, state: state).step)
        #expect(step.verdict.reason == .repoDesynchronized)
        #expect(step.verdict.outcome == .ignored)
    }

    @Test func aRevMoreThanFiveMinutesAheadOfTheClockIsRejected() throws {
        let rev = PostLifecycle.revMicros(commits[0])
        let early = VerificationTime(micros: rev - VerificationTime.futureRevTolerance - 1_000_000)
        let step = try #require(process(0, state: nil, time: early).step)
        #expect(step.verdict.outcome == .rejected)
        #expect(step.verdict.reason == .futureRev)
        let inTolerance = VerificationTime(micros: rev - VerificationTime.futureRevTolerance + 1_000_000)
        #expect(process(0, state: nil, time: inTolerance).step?.verdict.outcome == .verified)
    }

    @Test func aSignatureFailingWithACachedKeyAsksForAFreshKeyAndJudgesNothing() {
        let answer = process(0, state: nil, key: .key(PostLifecycle.otherKey, fresh: false))
        guard case .needsFreshKey = answer else {
            Issue.record("expected a fresh-key request, got \(String(describing: answer.step?.judgement.line.json))")
            return
        }
    }

    @Test func aSignatureFailingWithAFreshKeyIsABadSignature() throws {
        let step = try #require(process(0, state: nil, key: .key(PostLifecycle.otherKey, fresh: true)).step)
        #expect(step.verdict.outcome == .rejected)
        #expect(step.verdict.reason == .badSignature)
        #expect(step.newState == nil)
    }

    @Test func withoutASigningKeyACommitIsUnverifiable() throws {
        let step = try #require(process(0, state: nil, key: .unavailable("not in the identities file")).step)
        #expect(step.verdict.outcome == .unverifiable)
        #expect(step.verdict.reason == .identityUnavailable)
    }

    @Test func theFreshKeyRuleLooksTheKeyUpAgainOnceBypassingTheCache() async {
        let asked = Mutex<[Bool]>([])
        let step = await machine.process(.commit(commits[0]), index: 0, state: nil, time: PostLifecycle.now) { fresh in
            asked.withLock { $0.append(fresh) }
            return fresh ? .key(PostLifecycle.key, fresh: true) : .key(PostLifecycle.otherKey, fresh: false)
        }
        #expect(step.verdict.outcome == .verified)
        #expect(asked.withLock { $0 } == [false, true])
    }

    @Test func aKeyStillFromACacheAfterTheRetryIsABadSignature() async {
        let asked = Mutex(0)
        let step = await machine.process(.commit(commits[0]), index: 0, state: nil, time: PostLifecycle.now) { _ in
            asked.withLock { $0 += 1 }
            return .key(PostLifecycle.otherKey, fresh: false)
        }
        #expect(step.verdict.reason == .badSignature)
        #expect(step.judgement.line.detail == "signature failed with the cached key")
        #expect(asked.withLock { $0 } == 2)
    }

    @Test func eventsThatNeedNoKeyNeverAskForOne() async {
        let asked = Mutex(0)
        let step = await machine.process(.info(name: "OutdatedCursor", message: nil), index: 0, state: nil, time: PostLifecycle.now) { _ in
            asked.withLock { $0 += 1 }
            return nil
        }
        #expect(step.verdict.outcome == .applied)
        #expect(asked.withLock { $0 } == 0)
    }

    @Test func everyReasonLeadsToTheOutcomeItNames() {
        for reason in Reason.allCases {
            let verdict = Verdict(Rejection(reason, "x"))
            #expect(verdict.outcome == reason.outcome, "\(reason)")
            #expect(verdict.reason == reason)
        }
    }
}

/// The policy decides in one place which failed checks are only warnings.
@Suite("verification policy")
struct VerificationPolicyTests {
    @Test func theStrictPolicyToleratesNoFailedCheck() {
        #expect(Reason.allCases.filter { VerificationPolicy.strict.tolerates($0) }.isEmpty)
    }

    @Test func theRelayPolicyToleratesFlagsLegacyCommitsProofAndChainFailuresOnly() {
        let tolerated = Set(Reason.allCases.filter { VerificationPolicy.relay.tolerates($0) })
        #expect(tolerated == [.deprecatedFlag, .legacyCommit, .chainBreak, .invalidOp, .opMismatch, .missingRecordBlock,
                              .missingProofBlock, .malformedMST, .inversionMismatch])
        #expect(!tolerated.contains(.badSignature))
    }
}
