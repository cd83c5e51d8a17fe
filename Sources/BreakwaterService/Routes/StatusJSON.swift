import ATSyntax
import FirehoseStore
package import FirehoseSync
import IPLD
import Foundation

/// JSON shapes shared by `status --json` and the HTTP status API (`consume --http`): both print the documents
/// built here, so they are the same byte for byte.
package enum StatusJSON {
    /// `status --json` and `GET /status`: cursors, accounts by state, outcome counts, the `limit` most recent
    /// violations, and per (upstream, partition) its cursor, rate and lease (`leases`: the database's, when it keeps
    /// them).
    package static func statusDocument(store: any StatusReader, leases: (any LeaseStore)?, limit: Int) throws -> String {
        let summary = try store.summary(recentViolations: limit)
        let partitions = PartitionStatus.all(summary: summary, leases: try leases?.leases() ?? [])
        return JSONOutput.string(self.summary(summary, partitions: partitions, nowMicros: WallClock.nowMicros()))
    }

    /// `status --did DID --json` and `GET /repos/{did}`: the account's stored state (null when none) and its
    /// `limit` most recent violations; `known` is false when the database has neither.
    package static func repoDocument(store: any StatusReader, did: String, limit: Int) throws -> (text: String, known: Bool) {
        let state = try store.accounts([did])[did]
        let violations = try store.violations(did: did, sinceMicros: nil, limit: limit)
        var object: [String: Any] = ["did": did, "violations": violations.map(violation)]
        object["state"] = state.map(account) ?? NSNull()
        return (JSONOutput.string(object), state != nil || !violations.isEmpty)
    }

    /// `GET /violations`: violations processed at or after `sinceMicros`, newest first, at most `limit`.
    package static func violationsDocument(store: any StatusReader, sinceMicros: Int64?, limit: Int) throws -> String {
        let violations = try store.violations(did: nil, sinceMicros: sinceMicros, limit: limit)
        return JSONOutput.string(["since": sinceMicros ?? NSNull(), "limit": limit, "violations": violations.map(violation)] as [String: Any])
    }

    package static func account(_ state: AccountState) -> [String: Any] {
        [
            "did": state.did, "rev": state.rev ?? NSNull(), "data": state.data?.string ?? NSNull(),
            "commit": state.commit?.string ?? NSNull(), "active": state.active, "status": state.status ?? NSNull(),
            "sync": state.sync.rawValue, "lastSeq": state.lastSeq ?? NSNull(),
        ]
    }

    package static func violation(_ recorded: RecordedOutcome) -> [String: Any] {
        let line = recorded.line
        return [
            "i": line.index, "seq": line.seq ?? NSNull(), "type": line.type.rawValue, "did": line.did ?? NSNull(),
            "rev": line.rev ?? NSNull(), "outcome": line.outcome.rawValue, "reason": line.reason?.rawValue ?? NSNull(),
            "detail": line.detail ?? NSNull(), "processedAt": rfc3339(recorded.processedAt),
            "processedAtMicros": recorded.processedAt, "frameBytes": recorded.frame?.count ?? 0,
        ]
    }

    /// An instant in µs since the Unix epoch as an RFC 3339 UTC datetime with milliseconds (microseconds when it has
    /// them), as people and `?since=` read it.
    package static func rfc3339(_ micros: Int64) -> String {
        (try? Datetime(microsecondsSinceEpoch: micros))?.description ?? "\(micros) µs"
    }

    package static func violationLine(_ recorded: RecordedOutcome) -> String {
        let line = recorded.line
        return "\(rfc3339(recorded.processedAt))  seq \(line.seq.map(String.init) ?? "-")  \(line.did ?? "-")  \(line.outcome.rawValue)/\(line.reason?.rawValue ?? "-")  \(line.detail ?? "")"
    }

    package static func summary(_ summary: StoreSummary, partitions: [PartitionStatus], nowMicros: Int64) -> [String: Any] {
        [
            "cursors": summary.cursors, "accounts": summary.accounts, "outcomes": summary.outcomes,
            "recentViolations": summary.recentViolations.map(violation),
            "hosts": summary.hosts.map(AuditJSON.host),
            "partitions": partitions.map { partition($0, nowMicros: nowMicros) },
        ]
    }

    /// One (upstream, partition): `upstream`, `partition` (`K/N`), `cursor` (null with a lease but no cursor yet),
    /// `eventsPerSecond` (null while the rate window holds one write) and `lease` (null when none:
    /// `holder`, `epoch`, `expiresAt` in µs since the Unix epoch, `expiresInMs` (0 once expired), `expired`).
    package static func partition(_ status: PartitionStatus, nowMicros: Int64) -> [String: Any] {
        var lease: Any = NSNull()
        if let held = status.lease {
            lease = [
                "holder": held.holder, "epoch": held.epoch, "expiresAt": held.expiresAt,
                "expiresInMs": status.leaseMillisLeft(nowMicros: nowMicros) ?? 0, "expired": held.expiresAt <= nowMicros,
            ] as [String: Any]
        }
        return [
            "upstream": status.upstream, "partition": status.partition.description,
            "cursor": status.cursor ?? NSNull(), "eventsPerSecond": status.eventsPerSecond ?? NSNull(), "lease": lease,
        ]
    }
}
