import DequeModule
import Synchronization

/// A counting semaphore bounding the frames between the pipeline's reader and its writer, in number and in bytes.
///
/// A frame takes one place and its size in bytes; a frame larger than the whole byte budget still passes once
/// nothing else is in flight, so no frame can wait forever.
final class FrameWindow: Sendable {
    private struct Waiter {
        var id: UInt64
        var bytes: Int
        var continuation: CheckedContinuation<Void, Never>
    }
    private struct State {
        var available: Int
        var availableBytes: Int
        var waiters = Deque<Waiter>()
        var nextID: UInt64 = 0

        /// Takes a place and `bytes` if they are free (a large frame: once the whole budget is free).
        mutating func take(_ bytes: Int, budget: Int) -> Bool {
            guard available > 0, bytes <= availableBytes || availableBytes == budget else { return false }
            available -= 1
            availableBytes -= bytes
            return true
        }
    }
    private let state: Mutex<State>
    /// The bytes the frames in flight may hold together.
    let byteBudget: Int

    /// A window of `size` frames holding at most `bytes` bytes together.
    init(size: Int, bytes: Int = .max) {
        byteBudget = max(1, bytes)
        state = Mutex(State(available: max(1, size), availableBytes: byteBudget))
    }

    /// Takes a place for a frame of `bytes` bytes if one is free (and nobody waits before it).
    func tryAcquire(bytes: Int = 0) -> Bool {
        state.withLock { s in s.waiters.isEmpty && s.take(bytes, budget: byteBudget) }
    }

    /// Waits for a place for a frame of `bytes` bytes (returns without one when the task is cancelled).
    func acquire(bytes: Int = 0) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.waiters.isEmpty && s.take(bytes, budget: byteBudget) { return true }
                    if Task.isCancelled { return true }
                    s.waiters.append(Waiter(id: id, bytes: bytes, continuation: continuation))
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

    /// Frees `count` places and `bytes` bytes, waking waiters in order while their frames fit.
    func release(_ count: Int = 1, bytes: Int = 0) {
        guard count > 0 || bytes > 0 else { return }
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.available += count
            s.availableBytes += bytes
            var woken: [CheckedContinuation<Void, Never>] = []
            while let first = s.waiters.first, s.take(first.bytes, budget: byteBudget) {
                woken.append(first.continuation)
                s.waiters.removeFirst()
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }
}
