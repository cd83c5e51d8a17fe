import Glibc

/// Reads HTTP/1.1 requests from one blocking socket: the request line, the header fields, and a body framed by
/// `Content-Length` or chunked encoding. Bytes after one request stay buffered for the next (keep-alive).
struct ScriptedHTTPConnectionReader {
    /// Why a request could not be read.
    enum Failure: Error {
        /// The connection ended (or failed) before a whole request arrived.
        case ended
        /// The bytes are not an HTTP/1.1 request this reader understands.
        case malformed
    }

    let socket: Int32
    private var buffer: [UInt8] = []
    private static let headLimit = 64 * 1024

    init(socket: Int32) { self.socket = socket }

    /// The next whole request.
    mutating func nextRequest() throws(Failure) -> ScriptedHTTPRequest {
        let head = try readHead()
        var lines = String(decoding: head, as: UTF8.self).crlfLines()
        guard !lines.isEmpty else { throw .malformed }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3 else { throw .malformed }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name, value))
        }
        var request = ScriptedHTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: [])
        if request.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            request.body = try readChunkedBody()
        } else if let length = request.header("content-length").flatMap({ Int($0) }), length > 0 {
            request.body = try readExactly(length)
        }
        return request
    }

    /// Reads until the connection ends or fails (for a reply that never answers).
    mutating func drain() {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while scratch.withUnsafeMutableBytes({ recv(socket, $0.baseAddress, $0.count, 0) }) > 0 {}
    }

    private mutating func readHead() throws(Failure) -> ArraySlice<UInt8> {
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                let head = buffer[..<end.lowerBound]
                buffer.removeSubrange(..<end.upperBound)
                return head
            }
            guard buffer.count < Self.headLimit else { throw .malformed }
            try fill()
        }
    }

    private mutating func readLine() throws(Failure) -> String {
        while true {
            if let end = buffer.firstRange(of: [13, 10]) {
                let line = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                return line
            }
            guard buffer.count < Self.headLimit else { throw .malformed }
            try fill()
        }
    }

    private mutating func readExactly(_ count: Int) throws(Failure) -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return bytes
    }

    private mutating func readChunkedBody() throws(Failure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeField = try readLine().split(separator: ";").first.map { String($0).trimmingSpaces() } ?? ""
            guard let size = Int(sizeField, radix: 16) else { throw .malformed }
            if size == 0 {
                while try !readLine().isEmpty {}  // trailer fields, then the empty line
                return body
            }
            body += try readExactly(size)
            guard try readLine().isEmpty else { throw .malformed }
        }
    }

    private mutating func fill() throws(Failure) {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        let count = scratch.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw .ended }
        buffer += scratch[..<count]
    }
}

extension String {
    /// The lines of a header block (separated by CRLF, which is a single `Character`).
    fileprivate func crlfLines() -> [String] {
        split(separator: "\r\n" as Character, omittingEmptySubsequences: false).map(String.init)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
