import Foundation

/// Network and TLS failures as one plain sentence for people: no library type names, no error numbers, no build
/// paths (clear messages, one style).
///
/// SwiftNIO, NIOSSL and AsyncHTTPClient describe their errors with their own type names and, for BoringSSL, the
/// source file of the check that failed. The text is recognised by the markers those errors carry; anything else
/// keeps its own description with the internals removed.
public enum NetworkFailureText {
    /// One sentence for `error`, a failure to connect, to complete a TLS handshake or to exchange data.
    public static func describe(_ error: any Error) -> String {
        describe(text: String(describing: error))
    }

    /// One sentence for an error's description (see ``describe(_:)``).
    public static func describe(text: String) -> String {
        let upper = text.uppercased()
        if upper.contains("WRONG_VERSION_NUMBER") || upper.contains("HTTP_REQUEST") {
            return "TLS handshake failed: the server does not speak TLS (use ws://?)"
        }
        if upper.contains("CERTIFICATE_VERIFY_FAILED") || upper.contains("UNABLE TO GET LOCAL ISSUER")
            || upper.contains("SELF SIGNED") || upper.contains("SELF-SIGNED") {
            return "TLS handshake failed: the server's certificate is not trusted (give its CA with --ca-file?)"
        }
        if upper.contains("HOSTNAME") && (upper.contains("MISMATCH") || upper.contains("UNABLETOVALIDATE")) {
            return "TLS handshake failed: the server's certificate does not name this host (set --sni?)"
        }
        if upper.contains("HANDSHAKEFAILED") || upper.contains("SSLERROR") || upper.contains("BORINGSSL") {
            return "TLS handshake failed"
        }
        if upper.contains("CONNECTION REFUSED") || upper.contains("ECONNREFUSED") {
            return "connection refused (nothing listens on that port)"
        }
        if upper.contains("CONNECTTIMEOUT") || upper.contains("CONNECT TIMEOUT") || upper.contains("TIMED OUT") {
            return "connection timed out"
        }
        if upper.contains("NAME OR SERVICE NOT KNOWN") || upper.contains("NODENAME NOR SERVNAME") || upper.contains("DNS")
            || upper.contains("NO ADDRESS") || upper.contains("UNKNOWN HOST") {
            return "cannot resolve the host name"
        }
        if upper.contains("CONNECTION RESET") || upper.contains("ECONNRESET") {
            return "connection reset by the server"
        }
        if upper.contains("UNCLEANSHUTDOWN") || upper.contains("EOF") || upper.contains("REMOTECONNECTIONCLOSED") {
            return "the server closed the connection"
        }
        return stripped(text)
    }

    /// `text` without the internals libraries add: ` at /path/file.ext:N` source locations and `(errno: N)`.
    static func stripped(_ text: String) -> String {
        var result = text
        while let at = result.range(of: " at /") {
            let rest = result[at.upperBound...]
            let end = rest.firstIndex(where: { $0 == " " || $0 == "]" || $0 == ")" }) ?? result.endIndex
            result.removeSubrange(at.lowerBound..<end)
        }
        return result
    }
}
