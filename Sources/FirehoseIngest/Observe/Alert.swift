import ATSyntax
public import FirehoseAudit
public import FirehoseSync
import Foundation
public import Logging

/// An alert: one `rejected` or `desynchronized` outcome, with where it came from, or one
/// divergence between two relays compared live (``RelayDivergence``).
///
/// Alerts go to the log (``logMetadata``, one line each) and to the webhook (``jsonObject``, in batches).
/// To add a field (e.g. the account's PDS host), add a stored property with a default and one entry in each of
/// ``jsonObject`` and ``logMetadata``.
public struct Alert: Sendable, Hashable {
    /// What raised the alert.
    public enum Category: String, Sendable, Hashable {
        /// A verification outcome (`rejected` or `desynchronized`).
        case verification
        /// A difference between two relays' streams.
        case relayDivergence = "relay-divergence"
    }

    /// What raised the alert (derived: a divergence kind makes it a relay divergence).
    public var category: Category { divergence == nil ? .verification : .relayDivergence }
    /// The account, when the event names one.
    public var did: String?
    /// The relay seq of the event.
    public var seq: Int64?
    /// The commit rev the event carried.
    public var rev: String?
    /// The event type (nil for a seq gap).
    public var type: EventType?
    /// `rejected` or `desynchronized` (nil for a relay divergence).
    public var outcome: Outcome?
    /// The reason code (Docs/CONTRACT.md §4).
    public var reason: Reason?
    /// The kind of relay divergence (nil for a verification outcome).
    public var divergence: RelayDivergence.Kind?
    /// The verifier's detail text.
    public var detail: String?
    /// The host the event came from (the upstream relay's host; for a divergence, the relay it is observed on).
    public var host: String
    /// 0-based index of the frame on this connection run.
    public var index: Int?
    /// When the outcome was stored, in µs since the Unix epoch.
    public var processedAt: Int64

    /// The alert for `line`, or nil when its outcome raises none (only `rejected` and `desynchronized` do).
    public init?(line: OutcomeLine, host: String, processedAt: Int64) {
        guard line.outcome == .rejected || line.outcome == .desynchronized else { return nil }
        did = line.did
        seq = line.seq
        rev = line.rev
        type = line.type
        outcome = line.outcome
        reason = line.reason
        detail = line.detail
        self.host = host
        index = line.index
        self.processedAt = processedAt
    }

    /// The alert for a relay divergence found at `processedAt`.
    public init(divergence: RelayDivergence, processedAt: Int64) {
        did = divergence.event?.did
        seq = divergence.event?.seq
        rev = divergence.event?.rev
        type = divergence.event.flatMap { EventType(rawValue: $0.type) }
        self.divergence = divergence.kind
        detail = divergence.detail
        host = divergence.relay
        index = divergence.event?.index
        self.processedAt = processedAt
    }

    /// `processedAt` as an RFC 3339 UTC timestamp with microseconds.
    public var time: String {
        (try? Datetime(microsecondsSinceEpoch: processedAt).description) ?? String(processedAt)
    }

    /// The alert as a JSON object (absent values are `null`), for `JSONSerialization`.
    public var jsonObject: [String: Any] {
        [
            "alert": category.rawValue, "did": did ?? NSNull(), "seq": seq ?? NSNull(), "rev": rev ?? NSNull(),
            "type": type?.rawValue ?? NSNull(), "outcome": outcome?.rawValue ?? NSNull(), "reason": reason?.rawValue ?? NSNull(),
            "divergence": divergence?.rawValue ?? NSNull(), "detail": detail ?? NSNull(), "host": host, "i": index ?? NSNull(),
            "time": time,
        ]
    }

    /// The alert as log metadata (keys `alert.*`; numbers stay numbers for JSON log handlers).
    public var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["alert.category": "\(category.rawValue)", "alert.host": "\(host)"]
        metadata["alert.type"] = type.map { "\($0.rawValue)" }
        metadata["alert.outcome"] = outcome.map { "\($0.rawValue)" }
        metadata["alert.divergence"] = divergence.map { "\($0.rawValue)" }
        metadata["alert.i"] = index.map { .stringConvertible($0) }
        metadata["alert.did"] = did.map { "\($0)" }
        metadata["alert.seq"] = seq.map { .stringConvertible($0) }
        metadata["alert.rev"] = rev.map { "\($0)" }
        metadata["alert.reason"] = reason.map { "\($0.rawValue)" }
        metadata["alert.detail"] = detail.map { "\($0)" }
        return metadata
    }
}
