import Foundation
package import FirehoseSync
import Synchronization

/// One process's hold on the lease of an (upstream, partition) (Docs/CONTRACT.md, "Standby"): takes it (at once, or
/// as a standby polling every third of the time to live until the holder is gone), renews it every third of the time
/// to live, and hands the current lease to every store write as its fence. Once a renewal or a write finds the lease
/// taken over, it holds nothing: every later write is refused before it reaches the store.
package final class LeaseHolder: Sendable {
    /// The lease store (the shared database).
    package let store: any LeaseStore
    /// The lease taken.
    package let key: LeaseKey
    /// This process's identity: host, process id and a random suffix (unique per run).
    package let holder: String
    /// How long the lease lives without renewal, in microseconds.
    package let ttlMicros: Int64
    private let held = Mutex<Lease?>(nil)

    /// A holder of `key` in `store`, not yet holding it.
    package init(store: any LeaseStore, key: LeaseKey, ttlMicros: Int64) {
        self.store = store
        self.key = key
        self.ttlMicros = ttlMicros
        holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):"
            + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// The period of polls and renewals: a third of the time to live.
    package var period: Duration { .microseconds(max(1, ttlMicros / 3)) }

    /// The lease held now; nil before it is taken and once it is lost or given up.
    package var current: Lease? { held.withLock { $0 } }

    /// Takes the lease. Without `waiting`, fails with `lease-held` when another holder's lease is live; with it, polls
    /// until the lease is free or expired, calling `onWait` with the live holder's lease once before the first wait.
    package func acquire(waiting: Bool, onWait: (Lease?) -> Void) async throws -> Lease {
        var announced = false
        while true {
            if let lease = try store.acquire(key, holder: holder, ttlMicros: ttlMicros) {
                held.withLock { $0 = lease }
                return lease
            }
            let other = try store.leases().first { $0.key == key }
            guard waiting else {
                throw ServiceError("lease-held", "the lease of partition \(key.partition) of \(key.upstream) is held by "
                    + "\(other?.holder ?? "another process") (epoch \(other.map { String($0.epoch) } ?? "?")); "
                    + "wait for it with --standby")
            }
            if !announced {
                onWait(other)
                announced = true
            }
            try await Task.sleep(for: period)
        }
    }

    /// Renews the lease every ``period`` until the task is cancelled or the lease is lost; on a loss, holds nothing
    /// more and calls `onLost`. A renewal that fails otherwise (the database unreachable) is retried at the next
    /// period: the fence of every write still decides whether it commits.
    package func heartbeat(onLost: @Sendable (FirehoseSyncError) -> Void, onError: @Sendable (any Error) -> Void) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            guard let lease = current else { return }
            do {
                let renewed = try store.renew(lease, ttlMicros: ttlMicros)
                held.withLock { $0 = renewed }
            } catch {
                if let lost = LeaseLoss.recognise(error) {
                    markLost()
                    onLost(lost)
                    return
                }
                onError(error)
            }
        }
    }

    /// Forgets the lease after a write or renewal found it lost: nothing more may be written under it.
    package func markLost() {
        held.withLock { $0 = nil }
    }

    /// Gives the lease up (it expires now), so a standby takes over without waiting for the expiry.
    package func release() {
        guard let lease = held.withLock({ value -> Lease? in defer { value = nil }; return value }) else { return }
        try? store.release(lease)
    }
}
