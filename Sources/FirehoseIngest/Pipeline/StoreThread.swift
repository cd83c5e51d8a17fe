import Dispatch

/// The thread the pipeline's store transactions run on: a serial queue outside Swift's cooperative pool, so a
/// batch being written (SQLite, a WAL checkpoint, the recording's flush) never holds one of the pool's threads
/// while the workers need them. The writer task waits for each transaction without blocking a thread.
final class StoreThread: Sendable {
    private let queue = DispatchQueue(label: "breakwater.pipeline.store", qos: .userInitiated)

    /// Creates the thread's queue.
    init() {}

    /// Runs `body` on the store thread and returns its result (or rethrows its error).
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
