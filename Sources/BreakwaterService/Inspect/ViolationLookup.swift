import FirehosePostgres
import FirehoseStore
package import FirehoseSync
import Foundation

/// `status --violation SEQ`: one stored violation and the frame bytes the database kept for it (rejected events keep
/// theirs), exactly as received.
package enum ViolationLookup {
    /// The violation of `seq`. Throws the store's code, or `no-such-violation`.
    package static func violation(seq: Int64, in store: any StatusReader) throws -> RecordedOutcome {
        let recorded: RecordedOutcome?
        do {
            recorded = try store.violation(seq: seq)
        } catch let error as StoreError {
            throw ServiceError(error.code.description, error.reason)
        } catch let error as PostgresStoreError {
            throw ServiceError(error.code.description, error.reason)
        }
        guard let recorded else {
            throw ServiceError("no-such-violation", "the database holds no violation for seq \(seq)")
        }
        return recorded
    }

    /// The frame bytes kept for `recorded` (of `seq`). Throws `no-frame` when none were kept.
    package static func frame(of recorded: RecordedOutcome, seq: Int64) throws -> [UInt8] {
        guard let bytes = recorded.frame else {
            throw ServiceError("no-frame", "the violation of seq \(seq) is \(recorded.line.outcome.rawValue); only rejected events keep their frame bytes")
        }
        return bytes
    }

    /// Writes `bytes` to the file `path`. Throws `unwritable-file`.
    package static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ServiceError("unwritable-file", "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
