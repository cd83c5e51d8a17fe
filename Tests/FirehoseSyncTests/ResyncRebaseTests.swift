@testable import FirehoseSync
import ATIdentity
import Testing

/// The resync rebase's rules: the fetched repository becomes the base, held events newer than it apply if they
/// chain, the first that does not stops the rebase; an account with a base keeps it; an older repository is refused.
@Suite("resync rebase")
struct ResyncRebaseTests {
    let commits = PostLifecycle.commits
    let rebase = ResyncRebase(machine: AccountMachine(policy: .strict))

    /// The account's state after the first `count` commits.
    func state(after count: Int) throws -> AccountState {
        var state: AccountState?
        let machine = AccountMachine(policy: .strict)
        for i in 0..<count {
            state = try #require(machine.process(.commit(commits[i]), index: i, state: state, key: .key(PostLifecycle.key, fresh: true),
                                                 time: PostLifecycle.now).step?.newState)
        }
        return try #require(state)
    }

    /// The repository as it was after the first `count` commits.
    func repository(after count: Int) throws -> ResyncRepository {
        let state = try state(after: count)
        return ResyncRepository(did: PostLifecycle.did, rev: try #require(state.rev), data: try #require(state.data),
                                  commit: try #require(state.commit), records: 1, key: PostLifecycle.key, car: [])
    }

    func held(_ indices: [Int]) -> [HeldEvent] {
        indices.map { HeldEvent(message: .commit(commits[$0]), index: $0, rev: commits[$0].rev, bytes: commits[$0].blocks.count) }
    }

    func run(state: AccountState?, repository: ResyncRepository, held: [HeldEvent]) async -> ResyncRebase.Plan {
        await rebase.rebase(state: state, onto: repository, held: held, time: PostLifecycle.now) { _, _ in
            .key(PostLifecycle.key, fresh: true)
        }
    }

    func rebased(_ plan: ResyncRebase.Plan) throws -> ResyncRebase.Rebased {
        guard case .rebased(let rebased) = plan else {
            Issue.record("expected a rebase, got \(plan)")
            throw CancellationError()
        }
        return rebased
    }

    @Test func theRepositoryBecomesTheBaseAndHeldEventsThatChainApplyInOrder() async throws {
        var desynchronized = try state(after: 1)
        desynchronized.sync = .resyncing
        let result = try rebased(await run(state: desynchronized, repository: try repository(after: 2), held: held([2, 3, 4, 5])))
        #expect(result.applied == 4)
        #expect(result.dropped == 0)
        #expect(result.appliedCommits.map(\.rev) == commits[2...5].map(\.rev))
        #expect(result.state.rev == commits[5].rev)
        #expect(result.state.sync == .synchronized)
        #expect(result.broken == nil)
    }

    @Test func heldEventsNotNewerThanTheRepositoryAreDropped() async throws {
        let result = try rebased(await run(state: nil, repository: try repository(after: 4), held: held([1, 2, 4])))
        #expect(result.dropped == 2)
        #expect(result.applied == 1)
        #expect(result.state.rev == commits[4].rev)
    }

    @Test func theFirstHeldEventThatDoesNotChainStopsTheRebase() async throws {
        let result = try rebased(await run(state: nil, repository: try repository(after: 1), held: held([2, 3, 4])))
        #expect(result.applied == 0)
        #expect(result.dropped == 1)
        let broken = try #require(result.broken)
        #expect(broken.event.rev == commits[2].rev)
        #expect(broken.state.sync == .desynchronized)
        #expect(broken.rest.map(\.rev) == [commits[3].rev, commits[4].rev])
    }

    @Test func anAccountThatAlreadyHasASynchronizedBaseKeepsIt() async throws {
        guard case .keepBase = await run(state: try state(after: 3), repository: try repository(after: 2), held: []) else {
            Issue.record("expected the base to be kept")
            return
        }
    }

    @Test func aRepositoryOlderThanTheVerifiedStateIsRefused() async throws {
        var resyncing = try state(after: 3)
        resyncing.sync = .resyncing
        guard case .older(let reason) = await run(state: resyncing, repository: try repository(after: 2), held: []) else {
            Issue.record("expected the repository to be refused as older")
            return
        }
        #expect(reason.contains(commits[2].rev))
    }
}
