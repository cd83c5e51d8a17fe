import DequeModule
import Synchronization

/// A counting semaphore bounding the frames between the pipeline's reader and its writer.
final class FrameWindow: Sendable {
    private struct State {
        var available: Int
        var waiters = Deque<(id: UInt64, continuation: CheckedContinuation<Void, Never>)>()
        var nextID: UInt64 = 0
    }
    private let state: Mutex<State>

    /// A window of `size` frames.
    init(size: Int) { state = Mutex(State(available: max(1, size))) }

    /// Takes a place if one is free.
    func tryAcquire() -> Bool {
        state.withLock { s in
            guard s.available > 0 else { return false }
            s.available -= 1
            return true
        }
    }

    /// Waits for a place (returns without one when the task is cancelled).
    func acquire() async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.available > 0 {
                        s.available -= 1
                        return true
                    }
                    if Task.isCancelled { return true }
                    s.waiters.append((id, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                guard let position = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: position).continuation
            }
            waiter?.resume()
        }
    }

    /// Frees `count` places, waking waiters first.
    func release(_ count: Int = 1) {
        guard count > 0 else { return }
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.available += count
            let n = min(s.available, s.waiters.count)
            s.available -= n
            let woken = s.waiters.prefix(n).map(\.continuation)
            s.waiters.removeFirst(n)
            return woken
        }
        for continuation in woken { continuation.resume() }
    }
}
