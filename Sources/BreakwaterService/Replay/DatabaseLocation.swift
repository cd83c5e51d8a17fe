import Foundation

/// The database path: the user's, or a temporary file removed at the end.
package struct DatabaseLocation {
    package let path: String
    package let temporary: Bool

    package init(explicit: String?) throws {
        if let explicit, !explicit.isEmpty {
            path = explicit
            temporary = false
        } else {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("breakwater-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).sqlite").path
            temporary = true
        }
    }

    package func cleanUp() {
        guard temporary else { return }
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
