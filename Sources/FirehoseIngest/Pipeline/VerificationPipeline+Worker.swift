import ATIdentity
import AsyncAlgorithms
import DequeModule
import FirehoseSync
import Synchronization

/// The verification workers (Docs/SPEC.md §11): each is one long-lived loop over batches of events, owning the
/// accounts whose DIDs shard to it (``AccountTable``), so one account's events are judged in order without locks.
///
/// An event whose signing key is not at hand (it needs a look-up that may go to the network: PLC, did:web, a fresh
/// key after a signature failure) and a finished resync (whose held events may need keys) run as a *job*: a child
/// task given the account's state. While the job runs the account is *parked*: its later events wait in a
/// worker-local FIFO, and the worker goes on with the other accounts. When the job settles, the worker takes its
/// state and replays the FIFO. Keys from an identities file never wait, so with them no job is ever started. How
/// far the stream can run ahead of a parked account is bounded by the pipeline's window
/// (``PipelineConfiguration/window``), so the writer's reorder buffer stays bounded.
extension VerificationPipeline {
    /// What a worker's mailbox carries.
    enum WorkerInput: Sendable {
        /// A batch of events from the reader, in stream order.
        case items([WorkItem])
        /// A job's result for its parked account.
        case settled(did: String, WorkResult)
    }

    /// One worker: judges its batches in order and hands each batch's results to the writer at once; returns once
    /// the reader has closed the mailbox and every job has settled.
    func work(_ mailbox: WorkerMailbox<WorkerInput>, results: AsyncChannel<[WorkResult]>, capacity: Int) async throws {
        var table = AccountTable(capacity: capacity)
        var parked: [String: Deque<WorkItem>] = [:]
        var out: [WorkResult] = []
        let workspace = VerifierWorkspace()  // for the events judged here, not for jobs

        try await withThrowingDiscardingTaskGroup { jobs in
            /// Judges `item` of the unparked account `did` at once, or parks the account behind a job for it.
            func run(_ item: WorkItem, did: String) async throws {
                let state = item.needsState ? try table.state(did, store: store) : nil
                let fixed = fixedKeys(for: did)
                if !item.mayWaitForKey && !item.isResyncCompletion && item.needsState {
                    table.setResolved(nil, host: nil, for: did)  // an identity (or other unsigned) event: look the key up again
                }
                if item.mayWaitForKey && fixed == nil, case let (key, host)? = table.resolved(did) {
                    // The key resolved earlier for the account: no look-up. A signature failure with it parks the account
                    // behind a job as before (the cached key, then the fresh look-up: Docs/CONTRACT.md §3).
                    if let result = await processMeasured(item, state: state, fixedHost: .some(host), slotKey: key, workspace: workspace) {
                        return settle(result)
                    }
                    table.setResolved(nil, host: nil, for: did)
                }
                if item.isResyncCompletion || (item.mayWaitForKey && fixed == nil) {
                    parked[did] = []
                    jobs.addTask {
                        let result = await self.processMeasured(item, state: state, fixedHost: nil)!
                        mailbox.post(.settled(did: did, result))
                    }
                    return
                }
                var host: String?? = nil
                if let fixed {
                    host = table.fixedHost(did)
                    if host == nil {
                        host = .some(await fixed.pdsHost(for: did))
                        table.setFixedHost(host!, for: did)
                    }
                }
                settle(await processMeasured(item, state: state, fixedHost: host, workspace: workspace)!)
            }

            /// Takes a result: its account's new state into the table, the result towards the writer.
            func settle(_ result: WorkResult) {
                if let state = result.newState { table.put(state, ordinal: result.ordinal) }
                out.append(result)
            }

            /// Runs the events `did` parked, in order, until they are done or one parks the account again.
            func resume(_ did: String) async throws {
                guard var queue = parked.removeValue(forKey: did) else { return }
                while let item = queue.popFirst() {
                    try await run(item, did: did)
                    if parked[did] != nil {
                        parked[did]!.append(contentsOf: queue)
                        return
                    }
                }
            }

            while let input = await mailbox.next(expectsMore: !parked.isEmpty) {
                switch input {
                case .items(let items):
                    try table.prefetch(items.compactMap { $0.needsState ? $0.did : nil }, store: store)
                    for item in items {
                        guard let did = item.did else {
                            settle(await processMeasured(item, state: nil, fixedHost: nil, workspace: workspace)!)
                            continue
                        }
                        if parked[did] != nil {
                            parked[did]!.append(item)
                        } else {
                            try await run(item, did: did)
                        }
                    }
                case .settled(let did, let result):
                    if result.judgement != nil { table.setResolved(result.signingKey, host: result.receipt?.host, for: did) }
                    settle(result)
                    try await resume(did)
                }
                if !out.isEmpty {
                    await results.send(out)
                    out.removeAll(keepingCapacity: true)
                }
                table.evict(committed: committed.load(ordering: .acquiring))
            }
        }
    }
}
