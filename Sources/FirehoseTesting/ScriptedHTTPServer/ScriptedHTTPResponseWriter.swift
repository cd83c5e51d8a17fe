import Foundation
import Glibc

/// Writes one ``ScriptedHTTPReply`` to a blocking socket.
struct ScriptedHTTPResponseWriter {
    let socket: Int32
    let isStopped: @Sendable () -> Bool

    /// Carries out `reply`; returns whether the connection may serve another request.
    func write(_ reply: ScriptedHTTPReply, reader: inout ScriptedHTTPConnectionReader) -> Bool {
        switch reply {
        case .status(let status, let headers, let body, let announceLength):
            var fields = headers
            let hasLength = headers.contains { $0.0.lowercased() == "content-length" }
            if announceLength {
                if !hasLength { fields.append(("Content-Length", "\(body.count)")) }
                return send(head(status, fields)) && send(body)
            }
            fields.append(("Transfer-Encoding", "chunked"))
            guard send(head(status, fields)) else { return false }
            var offset = 0
            while offset < body.count {
                let size = min(64 * 1024, body.count - offset)
                var chunk = Array("\(String(size, radix: 16))\r\n".utf8)
                chunk += body[offset..<offset + size]
                chunk += [13, 10]
                guard send(chunk) else { return false }
                offset += size
            }
            return send(Array("0\r\n\r\n".utf8))
        case .trickle(let status, let headers, let body, let chunk, let interval):
            guard send(head(status, headers + [("Content-Length", "\(body.count)")])) else { return false }
            var offset = 0
            while offset < body.count {
                guard !isStopped() else { return false }
                let size = min(max(chunk, 1), body.count - offset)
                guard send(Array(body[offset..<offset + size])) else { return false }
                offset += size
                if offset < body.count { Thread.sleep(forTimeInterval: interval.seconds) }
            }
            return true
        case .delayed(let delay, let reply):
            Thread.sleep(forTimeInterval: delay.seconds)
            guard !isStopped() else { return false }
            return write(reply, reader: &reader)
        case .hang:
            reader.drain()
            return false
        case .close:
            return false
        case .raw(let bytes):
            _ = send(bytes)
            return false
        }
    }

    private func head(_ status: Int, _ fields: [(String, String)]) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// Writes all of `bytes`; false if the connection failed.
    private func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

extension Duration {
    /// The duration in seconds, for `Thread.sleep`.
    fileprivate var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
