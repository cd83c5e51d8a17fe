import DequeModule
import Synchronization

/// A verification worker's inbox: batches of work from the reader and settled jobs from the worker's own key
/// look-ups, in the order they were posted, for one consumer.
///
/// Posting never waits: the frames between the reader and the writer are bounded by the pipeline's
/// ``FrameWindow``, and a worker has at most one job per account, so the queue is bounded by the window too.
final class WorkerMailbox<Input: Sendable>: Sendable {
    private struct State {
        var inputs = Deque<Input>()
        var closed = false
        var waiter: CheckedContinuation<Input?, Never>?
        /// The waiting worker has jobs out, so closing does not end its wait.
        var waiterExpectsMore = false
    }
    private let state = Mutex(State())

    /// Creates an empty, open mailbox.
    init() {}

    /// Posts `input`, waking the worker if it waits.
    func post(_ input: Input) {
        let waiter = state.withLock { s -> CheckedContinuation<Input?, Never>? in
            guard let waiter = s.waiter else {
                s.inputs.append(input)
                return nil
            }
            s.waiter = nil
            return waiter
        }
        waiter?.resume(returning: input)
    }

    /// Tells the worker that the reader posts nothing more (its own jobs may still post).
    func close() {
        let waiter = state.withLock { s -> CheckedContinuation<Input?, Never>? in
            s.closed = true
            guard !s.waiterExpectsMore else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next input; nil once the mailbox is closed and empty and the worker `expectsMore` no job of its own, or
    /// when the task is cancelled.
    func next(expectsMore: Bool) async -> Input? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Input?, Never>) in
                let answer = state.withLock { s -> Input?? in
                    if let input = s.inputs.popFirst() { return .some(input) }
                    if (s.closed && !expectsMore) || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    s.waiterExpectsMore = expectsMore
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Input?, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
