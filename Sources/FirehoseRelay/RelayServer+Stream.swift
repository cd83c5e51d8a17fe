import FirehoseSync
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

extension RelayServer {
    /// One `subscribeRepos` connection: frames after `cursor` (all of them without one), then the connection
    /// stays open and follows the file; `FutureCursor` then close when the cursor is beyond the last seq.
    /// Answers pings, sends its own every ``RelayServerConfiguration/pingInterval``, ends when the client closes.
    func serveStream(_ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, cursor: Int64?) async throws {
        let logger = {
            var logger = self.logger
            logger[metadataKey: "serve.cursor"] = "\(cursor.map(String.init) ?? "none")"
            return logger
        }()
        logger.debug("subscriber connected")
        let silent = Silence()
        try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await frame in inbound {
                        switch frame.opcode {
                        case .ping where !silent.value:
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                        case .connectionClose:
                            var data = frame.unmaskedData
                            let code = data.readSlice(length: 2) ?? ByteBuffer()
                            try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
                            return
                        default:
                            continue  // servers ignore what clients send (Docs/SPEC.md §1)
                        }
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: self.configuration.pingInterval)
                        if silent.value { continue }
                        try await outbound.write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()))
                    }
                }
                group.addTask {
                    try await self.sendFrames(after: cursor, to: outbound, silent: silent, logger: logger)
                }
                try await group.next()
                group.cancelAll()
            }
        }
        logger.debug("subscriber disconnected")
    }

    private func sendFrames(after cursor: Int64?, to outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>, silent: Silence,
                            logger: Logger) async throws {
        let path = configuration.framesPath
        if let cursor, cursor > (index.lastSeq ?? 0) {
            logger.info("FutureCursor", metadata: ["serve.last-seq": "\(index.lastSeq.map(String.init) ?? "none")"])
            try await Self.sendError("FutureCursor", message: "Cursor in the future.", closing: .normalClosure, to: outbound)
            return
        }
        let start = try cursor.map { try RecordingIndex.startOffset(path: path, cursor: $0, inclusive: configuration.inclusiveCursor) } ?? 0
        var reader = try FrameFileReader(path: path, offset: start)
        defer { reader.close() }
        let clock = ContinuousClock()
        let began = clock.now
        var sent = 0
        // Frames go out in batches, one write and flush each: those read while nothing made us wait (the file's end,
        // a paced frame's time, a limit), up to ``RelayServerConfiguration/writeBatchFrames`` frames and
        // ``RelayServerConfiguration/writeBatchBytes`` bytes.
        var batch: [WebSocketFrame] = []
        var batchBytes = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            try await outbound.write(contentsOf: batch)
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
        }
        while true {
            guard let (_, bytes) = try reader.next() else {
                try await flush()
                try await Task.sleep(for: configuration.tailInterval)  // stay open; follow a growing file
                continue
            }
            if let rate = configuration.eventsPerSecond, rate > 0 {
                let due = began + .seconds(Double(sent) / rate)
                if due > clock.now {
                    try await flush()
                    try await Task.sleep(until: due, clock: clock)
                }
            }
            if !batch.isEmpty && batchBytes + bytes.count > configuration.writeBatchBytes { try await flush() }
            batch.append(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
            batchBytes += bytes.count
            sent += 1
            if batch.count >= configuration.writeBatchFrames { try await flush() }
            if let limit = configuration.stallAfter, sent >= limit {
                try await flush()
                logger.debug("going silent (stallAfter)", metadata: ["serve.sent": "\(sent)"])
                silent.value = true
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
            if let limit = configuration.tooSlowAfter, sent >= limit {
                try await flush()
                logger.debug("ConsumerTooSlow (tooSlowAfter)", metadata: ["serve.sent": "\(sent)"])
                try await Self.sendError("ConsumerTooSlow", message: "Stream consumer too slow.", closing: .policyViolation, to: outbound)
                return
            }
            if let limit = configuration.closeAfter, sent >= limit {
                try await flush()
                logger.debug("dropping the connection (--close-after)", metadata: ["serve.sent": "\(sent)"])
                return
            }
        }
    }
}

extension RelayServer {
    /// Sends an error frame (Docs/SPEC.md §1: `op` -1 with `error` and `message`), then a close with `code`.
    static func sendError(_ name: String, message: String, closing code: WebSocketErrorCode,
                          to outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async throws {
        let bytes = FramePeek.errorFrame(name, message: message)
        try await outbound.write(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
    }
}

/// Whether a connection went silent (``RelayServerConfiguration/stallAfter``).
final class Silence: Sendable {
    private let flag = Atomic<Bool>(false)
    var value: Bool {
        get { flag.load(ordering: .relaxed) }
        set { flag.store(newValue, ordering: .relaxed) }
    }
}
