package import FirehoseSync
import Foundation

/// Recognises the `lease-lost` failure whichever store raised it, so that `consume` reports it as
/// `error: lease-lost: …` and exits 1 (Docs/CONTRACT.md, "Standby").
package enum LeaseLoss {
    /// The code of a write or renewal refused because another holder or epoch owns the lease.
    package static let code = "lease-lost"

    /// Ends the process as a lost lease does: `error: lease-lost: REASON` on stderr, exit status 1.
    package static func endProcess(_ lost: FirehoseSyncError) -> Never {
        FileHandle.standardError.write(Data("error: \(code): \(lost.reason)\n".utf8))
        exit(1)
    }

    /// The error as a `lease-lost` ``FirehoseSyncError`` when it is one (from any module), else nil.
    package static func recognise(_ error: any Error) -> FirehoseSyncError? {
        if let error = error as? FirehoseSyncError { return error.code == .leaseLost ? error : nil }
        if let coded = error as? any CodedError, coded.codeName == code { return FirehoseSyncError(.leaseLost, coded.reason) }
        let text = String(describing: error)
        if text.hasPrefix(code + ":") {
            return FirehoseSyncError(.leaseLost, String(text.dropFirst(code.count + 1).drop(while: { $0 == " " })))
        }
        return nil
    }
}
