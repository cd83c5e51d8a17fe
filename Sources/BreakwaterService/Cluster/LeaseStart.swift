import Foundation
package import FirehoseSync

/// How `consume` takes the lease of its (upstream, partition) before it reads the cursor (Docs/CONTRACT.md,
/// "Standby"): on a store that keeps leases (PostgreSQL) always — waiting for it with `--standby`, failing fast with
/// `lease-held` without; on one that does not (SQLite, whose single writer is the database lock) never, and
/// `--standby` is refused with `standby-needs-postgres`.
package enum LeaseStart {
    /// The default time to live of a lease: 10 seconds.
    package static let defaultTTLMicros: Int64 = 10_000_000

    /// Takes the lease and returns its holder (nil without a lease store), writing what it waits for and what it
    /// took to `report` (stderr).
    package static func take(leases: (any LeaseStore)?, upstream: String, partition: Partition, standby: Bool,
                             ttlMicros: Int64, report: (String) -> Void = LeaseStart.standardError) async throws -> LeaseHolder? {
        guard let leases else {
            if standby {
                throw ServiceError("standby-needs-postgres", "--standby waits for a lease, and leases are kept in a PostgreSQL "
                    + "database only (--db postgres://…); a SQLite database has one writer, guarded by its lock")
            }
            return nil
        }
        let holder = LeaseHolder(store: leases, key: LeaseKey(upstream: upstream, partition: partition), ttlMicros: ttlMicros)
        var waited = false
        let lease = try await holder.acquire(waiting: standby) { other in
            waited = true
            report("standby: partition \(partition) of \(upstream) is held by \(other?.holder ?? "another process") "
                + "(epoch \(other.map { String($0.epoch) } ?? "?")); waiting for it (polling every \(seconds(ttlMicros / 3)))")
        }
        report((waited ? "standby: took over" : "lease: holding") + " partition \(partition) of \(upstream) as \(lease.holder) "
            + "(epoch \(lease.epoch), time to live \(seconds(ttlMicros)))")
        return holder
    }

    /// Parses a time to live: `10s`, `500ms`, `2m` or a bare number of seconds, between 0.1 s and one hour.
    package static func ttlMicros(parsing text: String) -> Int64? {
        let units: [(suffix: String, micros: Double)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000)]
        var number = Substring(text), scale = 1_000_000.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.micros
            break
        }
        guard let value = Double(number), value.isFinite else { return nil }
        let micros = value * scale
        guard micros >= 100_000, micros <= 3_600_000_000 else { return nil }
        return Int64(micros)
    }

    /// Writes a line to stderr.
    package static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func seconds(_ micros: Int64) -> String {
        micros % 1_000_000 == 0 ? "\(micros / 1_000_000)s" : "\(micros / 1_000)ms"
    }
}
