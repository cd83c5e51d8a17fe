import DequeModule
import Synchronization

/// A verification worker's inbox: batches of work from the reader and settled jobs from the worker's own key
/// look-ups, in the order they were posted, for one consumer.
///
/// The reader ``send(_:)``s and waits while ``limit`` of its inputs are queued, so it decodes no further ahead of a
/// busy worker than that; a job's ``post(_:)`` never waits (a worker has at most one job per account, and the
/// frames in flight are bounded by the pipeline's ``FrameWindow``).
final class WorkerMailbox<Input: Sendable>: Sendable {
    private struct State {
        var inputs = Deque<(input: Input, fromReader: Bool)>()
        /// The reader's inputs queued.
        var fromReader = 0
        /// The reader, when it waits for room.
        var sender: CheckedContinuation<Void, Never>?
        var closed = false
        var waiter: CheckedContinuation<Input?, Never>?
        /// The waiting worker has jobs out, so closing does not end its wait.
        var waiterExpectsMore = false
    }
    private let state = Mutex(State())
    /// The most reader inputs queued before ``send(_:)`` waits.
    let limit: Int

    /// Creates an empty, open mailbox holding up to `limit` of the reader's inputs.
    init(limit: Int = 4) { self.limit = max(1, limit) }

    /// Posts a job's `input`, waking the worker if it waits; never waits.
    func post(_ input: Input) { deliver(input, fromReader: false) }

    /// Posts the reader's `input`, first waiting while ``limit`` of its inputs are queued (or until cancelled).
    func send(_ input: Input) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let full = state.withLock { s -> Bool in
                    guard s.fromReader >= limit, !Task.isCancelled else { return false }
                    s.sender = continuation
                    return true
                }
                if !full { continuation.resume() }
            }
        } onCancel: {
            let sender = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.sender = nil }
                return s.sender
            }
            sender?.resume()
        }
        deliver(input, fromReader: true)
    }

    private func deliver(_ input: Input, fromReader: Bool) {
        let waiter = state.withLock { s -> CheckedContinuation<Input?, Never>? in
            guard let waiter = s.waiter else {
                s.inputs.append((input, fromReader))
                if fromReader { s.fromReader += 1 }
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
                let (answer, sender) = state.withLock { s -> (Input??, CheckedContinuation<Void, Never>?) in
                    if let first = s.inputs.popFirst() {
                        guard first.fromReader else { return (.some(first.input), nil) }
                        s.fromReader -= 1
                        defer { s.sender = nil }
                        return (.some(first.input), s.sender)
                    }
                    if (s.closed && !expectsMore) || Task.isCancelled { return (.some(nil), nil) }
                    s.waiter = continuation
                    s.waiterExpectsMore = expectsMore
                    return (nil, nil)
                }
                sender?.resume()
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
