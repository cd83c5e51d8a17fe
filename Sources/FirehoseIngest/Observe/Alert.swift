import ATSyntax
public import FirehoseSync
import Foundation
public import Logging

/// An alert: one `rejected` or `desynchronized` outcome, with where it came from (issue 06 §5).
///
/// Alerts go to the log (``logMetadata``, one line each) and to the webhook (``jsonObject``, in batches).
/// To add a field (e.g. the account's PDS host), add a stored property with a default and one entry in each of
/// ``jsonObject`` and ``logMetadata``.
public struct Alert: Sendable, Hashable {
    /// The account, when the event names one.
    public var did: String?
    /// The relay seq of the event.
    public var seq: Int64?
    /// The commit rev the event carried.
    public var rev: String?
    /// The event type.
    public var type: EventType
    /// `rejected` or `desynchronized`.
    public var outcome: Outcome
    /// The reason code (CONTRACT.md §4).
    public var reason: Reason?
    /// The verifier's detail text.
    public var detail: String?
    /// The host the event came from (for now the upstream relay's host).
    public var host: String
    /// 0-based index of the frame on this connection run.
    public var index: Int
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

    /// `processedAt` as an RFC 3339 UTC timestamp with microseconds.
    public var time: String {
        (try? Datetime(microsecondsSinceEpoch: processedAt).description) ?? String(processedAt)
    }

    /// The alert as a JSON object (absent values are `null`), for `JSONSerialization`.
    public var jsonObject: [String: Any] {
        [
            "did": did ?? NSNull(), "seq": seq ?? NSNull(), "rev": rev ?? NSNull(), "type": type.rawValue,
            "outcome": outcome.rawValue, "reason": reason?.rawValue ?? NSNull(), "detail": detail ?? NSNull(),
            "host": host, "i": index, "time": time,
        ]
    }

    /// The alert as log metadata (keys `alert.*`; numbers stay numbers for JSON log handlers).
    public var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "alert.type": "\(type.rawValue)", "alert.outcome": "\(outcome.rawValue)", "alert.host": "\(host)",
            "alert.i": .stringConvertible(index),
        ]
        metadata["alert.did"] = did.map { "\($0)" }
        metadata["alert.seq"] = seq.map { .stringConvertible($0) }
        metadata["alert.rev"] = rev.map { "\($0)" }
        metadata["alert.reason"] = reason.map { "\($0.rawValue)" }
        metadata["alert.detail"] = detail.map { "\($0)" }
        return metadata
    }
}
