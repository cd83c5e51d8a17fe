import ATIdentity
import ATSyntax
import FirehoseAudit
import FirehoseSync

/// Per-host attribution and relay health: each event carries its receipt (PDS host of its account,
/// receipt and event times, connection), and the writer counts it into the batch's ``AuditTally``.
extension VerificationPipeline {
    /// The receipt of a frame before verification: when and on which connection it arrived, and its `time`
    /// (lag is measured only for frames received from the network; days and minutes follow the event's time).
    func receipt(of frame: IncomingFrame, decoded: DecodedEvent) -> EventReceipt {
        EventReceipt(host: nil, receivedMicros: frame.receivedAt ?? configuration.now(), eventMicros: decoded.eventTimeMicros,
                     connection: frame.connection, fromNetwork: frame.receivedAt != nil)
    }

    /// `result` with its receipt and the PDS host of its account (as far as the key provider knows it; `fixedHost`, when
    /// given, is the identities file's answer for the item's account).
    func attributed(_ result: WorkResult, item: WorkItem, fixedHost: String??) async -> WorkResult {
        var result = result
        var receipt = item.receipt ?? EventReceipt(host: nil, receivedMicros: result.processedAt, eventMicros: nil, connection: 0)
        if let did = result.judgement?.event.did ?? result.newState?.did {
            if let fixedHost, did == item.did {
                receipt.host = fixedHost
            } else {
                receipt.host = await keys.pdsHost(for: did)
            }
        }
        result.receipt = receipt
        return result
    }

    /// Counts a resync for the per-host scorecard: started when an event moved its account to `resyncing`, completed
    /// when a resync result (no outcome line) made it `synchronized`.
    static func tallyResync(_ result: WorkResult, state: AccountState, before: SyncState?, into audit: inout AuditTally) {
        let host = result.receipt?.host ?? audit.accountHosts[state.did]
        if let judgement = result.judgement, state.sync == .resyncing, before != .resyncing, judgement.verdict.outcome == .desynchronized {
            audit.countResync(host: host, micros: result.processedAt, started: true)
        } else if result.judgement == nil, state.sync == .synchronized {
            audit.countResync(host: host, micros: result.processedAt, started: false)
        }
    }

    /// Counts one result, in frame order.
    static func tally(_ result: WorkResult, line: OutcomeLine, into audit: inout AuditTally, relay: inout RelayHealthTracker) {
        let receipt = result.receipt ?? EventReceipt(host: nil, receivedMicros: result.processedAt, eventMicros: nil, connection: 0)
        audit.count(line, receipt: receipt)
        relay.observe(seq: line.seq, receipt: receipt)
    }
}

extension DecodedEvent {
    /// The event's `time` field in µs since the epoch, when it is readable (in the lexicon's form or one of the forms
    /// servers send); nil when absent or unreadable, and the receipt time stands in.
    var eventTimeMicros: Int64? {
        guard case .message(let message, _, _) = self else { return nil }
        return message.timeMicros
    }
}
