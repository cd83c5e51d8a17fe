import Foundation

/// Wall-clock time of frame receipt.
enum ReceiptClock {
    static func nowMicros() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }
}
