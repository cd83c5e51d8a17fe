import AsyncAlgorithms
import DequeModule
import FirehoseSync
import Synchronization

/// Workers that never wait for one account (Docs/SPEC.md §11): each worker keeps one *lane* per account
/// with events in flight, and a lane is a child task that processes that account's events in order. An account
/// whose signing key is being resolved (PLC, did:web) suspends only its own lane; the worker keeps handing the
/// other accounts' events to their lanes. How far the stream can run ahead of a waiting account is bounded by
/// the pipeline's window (``PipelineConfiguration/window``), so the writer's reorder buffer stays bounded.
extension VerificationPipeline {
    /// Events waiting per account in one worker; an account has a lane while it has an entry.
    final class Lanes: Sendable {
        private let queues = Mutex<[String: Deque<WorkItem>]>([:])

        /// Queues `item` behind its account's lane and returns false, or opens the lane and returns true (the
        /// caller then starts a lane task with `item`).
        func enqueue(_ item: WorkItem, did: String) -> Bool {
            queues.withLock { queues in
                if queues[did] != nil {
                    queues[did]!.append(item)
                    return false
                }
                queues[did] = []
                return true
            }
        }

        /// The next queued event of `did`'s lane, or nil after closing the lane (it had nothing left).
        func next(_ did: String) -> WorkItem? {
            queues.withLock { queues in
                guard let item = queues[did]?.popFirst() else {
                    queues.removeValue(forKey: did)
                    return nil
                }
                return item
            }
        }

        /// Accounts with an open lane.
        var open: Int { queues.withLock { $0.count } }
    }

    /// One worker: hands each event to its account's lane (events without an account are processed at once), and
    /// returns once the inbox is finished and every lane is done.
    func workInLanes(inbox: AsyncChannel<[WorkItem]>, results: AsyncChannel<[WorkResult]>) async throws {
        let lanes = Lanes()
        let chunkSize = configuration.chunkSize
        try await withThrowingDiscardingTaskGroup { group in
            for await chunk in inbox {
                var immediate: [WorkResult] = []
                for item in chunk {
                    guard let did = item.did else {
                        immediate.append(try await processMeasured(item))
                        continue
                    }
                    guard lanes.enqueue(item, did: did) else { continue }
                    group.addTask {
                        var out: [WorkResult] = []
                        var current: WorkItem? = item
                        while let next = current {
                            // Results already made go out before an event that may wait for a key.
                            if !out.isEmpty && next.mayWaitForKey {
                                await results.send(out)
                                out.removeAll(keepingCapacity: true)
                            }
                            out.append(try await self.processMeasured(next))
                            current = lanes.next(did)
                            if current == nil || out.count >= chunkSize {
                                await results.send(out)
                                out.removeAll(keepingCapacity: true)
                            }
                        }
                    }
                }
                if !immediate.isEmpty { await results.send(immediate) }
            }
        }
    }
}
