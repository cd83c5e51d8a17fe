import Foundation

/// Whether a failed write means the disk is full.
enum DiskSpace {
    /// True for `ENOSPC` (as Foundation reports it: `fileWriteOutOfSpace`, or the POSIX error) and `EDQUOT`.
    static func isFull(_ error: any Error) -> Bool {
        let error = error as NSError
        if error.domain == NSCocoaErrorDomain && error.code == CocoaError.fileWriteOutOfSpace.rawValue { return true }
        if error.domain == NSPOSIXErrorDomain && (error.code == Int(ENOSPC) || error.code == Int(EDQUOT)) { return true }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return isFull(underlying) }
        return false
    }
}
