package import FirehoseSync
import Foundation
import Synchronization

/// Writes outcome lines (Docs/CONTRACT.md §4) to a file or stdout, buffered: written out every 64 KiB, and at the first
/// line after ``flushInterval`` (so a slow stream, or a paced replay, shows its lines as they come).
package final class EventsOutput: Sendable {
    /// The longest a line waits in the buffer while more lines arrive.
    package static let flushInterval: Duration = .milliseconds(250)

    private struct State {
        package var handle: FileHandle?
        package var buffer: [UInt8] = []
        package var lastWrite = ContinuousClock.now
    }
    private let state: Mutex<State>

    /// `path` nil: discard; `-`: stdout; else a file (truncated).
    package init(path: String?) throws {
        guard let path else {
            state = Mutex(State(handle: nil))
            return
        }
        if path == "-" {
            state = Mutex(State(handle: FileHandle.standardOutput))
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ServiceError("cannot-write", "cannot write events to \(path)")
        }
        state = Mutex(State(handle: handle))
    }

    package func write(_ line: OutcomeLine) {
        state.withLock { s in
            guard s.handle != nil else { return }
            s.buffer.append(contentsOf: line.json.utf8)
            s.buffer.append(0x0a)
            if s.buffer.count >= 1 << 16 || ContinuousClock.now - s.lastWrite >= Self.flushInterval {
                s.handle?.write(Data(s.buffer))
                s.buffer.removeAll(keepingCapacity: true)
                s.lastWrite = .now
            }
        }
    }

    /// Runs `body`, then closes the output whether it threw or not: the lines of every stored batch are written
    /// before an error (a full disk, say) ends the run.
    package func closing<Result>(after body: () async throws -> Result) async rethrows -> Result {
        defer { close() }
        return try await body()
    }

    package func close() {
        state.withLock { s in
            if !s.buffer.isEmpty { s.handle?.write(Data(s.buffer)) }
            s.buffer.removeAll()
            if s.handle !== FileHandle.standardOutput { try? s.handle?.close() }
            s.handle = nil
        }
    }
}
