import Foundation
import Glibc
import Synchronization

/// A deliberately small WebSocket client (RFC 6455) over a blocking POSIX socket, for tests of `breakwater serve`
/// that must not share code with Breakwater's own subscription: it sends the upgrade request, requires
/// `101 Switching Protocols`, then reads unmasked server frames, collecting binary messages (reassembled from
/// fragments) until a limit, a close frame or the end of the connection. It runs on its own thread.
public enum PlainWebSocketClient {
    /// What the client received: binary messages in order, and whether the server ended the session.
    public struct Received: Sendable {
        /// The binary messages, in order.
        public var frames: [[UInt8]] = []
        /// Whether the server sent a close frame or closed the connection before the limit.
        public var closed = false
    }

    /// The client's refusal of what the server sent.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Connects to `127.0.0.1:port`, requests `path` (path and query) and collects up to `limit` binary messages.
    /// Gives up after `timeout` seconds of silence; cancelling the calling task shuts the socket down at once.
    public static func collect(port: Int, path: String, limit: Int, timeout: Double = 20) async throws -> Received {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        // The descriptor while open; closing and cancelling both go through this lock, so a cancel never
        // shuts down a descriptor number that was closed and reused.
        let open = Mutex<Int32?>(socket)
        defer { open.withLock { if let fd = $0 { close(fd) }; $0 = nil } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try collectBlocking(socket: socket, port: port, path: path, limit: limit, timeout: timeout) })
                }
                thread.start()
            }
        } onCancel: {
            open.withLock { if let fd = $0 { _ = shutdown(fd, Int32(SHUT_RDWR)) } }
        }
    }

    static func collectBlocking(socket: Int32, port: Int, path: String, limit: Int, timeout: Double) throws -> Received {
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }

        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try send(socket, Array(request.utf8))

        var reader = Reader(socket: socket)
        var head: [UInt8] = []
        while !head.ends(with: [13, 10, 13, 10]) {
            guard let byte = try reader.byte() else { throw Failure(description: "the connection closed during the upgrade") }
            head.append(byte)
            guard head.count < 16_384 else { throw Failure(description: "the upgrade response is too long") }
        }
        let status = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first ?? ""
        guard status.hasPrefix("HTTP/1.1 101") else { throw Failure(description: "upgrade refused: \(status)") }

        var received = Received()
        var message: [UInt8] = []
        while received.frames.count < limit {
            guard let first = try reader.byte(), let second = try reader.byte() else {
                received.closed = true
                return received
            }
            let final = first & 0x80 != 0, opcode = first & 0x0F
            guard second & 0x80 == 0 else { throw Failure(description: "the server masked a frame") }
            var length = UInt64(second & 0x7F)
            if length == 126 { length = try reader.bigEndian(2) } else if length == 127 { length = try reader.bigEndian(8) }
            guard length <= 16 << 20 else { throw Failure(description: "a frame of \(length) bytes") }
            let payload = try reader.bytes(Int(length))
            switch opcode {
            case 0x0, 0x2:
                message += payload
                if final {
                    received.frames.append(message)
                    message = []
                }
            case 0x8:
                received.closed = true
                return received
            case 0x9:
                // A ping: answer with a masked pong carrying the same payload (at most 125 bytes).
                var pong: [UInt8] = [0x8A, 0x80 | UInt8(payload.count), 0, 0, 0, 0]
                pong += payload
                try send(socket, pong)
            default:
                continue
            }
        }
        return received
    }

    static func send(_ socket: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw Failure(description: "send failed") }
            offset += written
        }
    }

    /// Buffered reads from the socket.
    struct Reader {
        let socket: Int32
        var buffer: [UInt8] = []
        var position = 0

        mutating func fill() throws -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "nothing arrived in time") }
                return false
            }
            if count == 0 { return false }
            buffer = Array(buffer[position...]) + chunk[..<count]
            position = 0
            return true
        }

        mutating func byte() throws -> UInt8? {
            if position == buffer.count, try !fill() { return nil }
            defer { position += 1 }
            return buffer[position]
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            while buffer.count - position < count {
                guard try fill() else { throw Failure(description: "the connection closed inside a frame") }
            }
            defer { position += count }
            return Array(buffer[position..<position + count])
        }

        mutating func bigEndian(_ count: Int) throws -> UInt64 {
            try bytes(count).reduce(0) { $0 << 8 | UInt64($1) }
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
