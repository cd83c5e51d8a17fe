/// A `HOST:PORT` to listen on (`127.0.0.1:9100`, `[::1]:9100`, `localhost:0`); `:PORT` (no host) means all
/// interfaces (``allInterfaces``), as in Prometheus exporters' `--web.listen-address=:9100`.
package struct ListenAddress: Hashable, CustomStringConvertible {
    package let host: String
    package let port: Int

    /// The host `:PORT` listens on: every IPv4 interface.
    package static let allInterfaces = "0.0.0.0"

    package init?(_ text: String) {
        if text.hasPrefix(":"), let port = Int(text.dropFirst()), (0...65535).contains(port) {
            self.host = Self.allInterfaces
            self.port = port
            return
        }
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
