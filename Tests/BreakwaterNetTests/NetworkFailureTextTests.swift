import FirehoseSync
import BreakwaterNet
import Foundation
import Testing

/// ``NetworkFailureText``: network and TLS failures as one plain sentence, with no library internals or build paths.
@Suite("network failure text")
struct NetworkFailureTextTests {
    @Test func aPlainServerBehindWssIsReportedAsNotSpeakingTLS() {
        let text = #"handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435703 error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at /srv/build/.build/checkouts/swift-nio-ssl/Sources/CNIOBoringSSL/ssl/tls_record.cc:127]))"#
        #expect(NetworkFailureText.describe(text: text) == "TLS handshake failed: the server does not speak TLS (use ws://?)")
    }

    @Test func anUntrustedCertificateSaysSo() {
        let text = #"handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /x/ssl/handshake.cc:393]))"#
        #expect(NetworkFailureText.describe(text: text).hasPrefix("TLS handshake failed: the server's certificate is not trusted"))
    }

    @Test func aRefusedConnectionIsOneSentence() {
        let text = "Connection errors: SingleConnectionFailure(target: [IPv4]127.0.0.1/127.0.0.1:1, error: connection reset (error set): Connection refused) (errno: 111))"
        #expect(NetworkFailureText.describe(text: text) == "connection refused (nothing listens on that port)")
    }

    @Test func anUnknownFailureKeepsItsTextWithoutBuildPaths() {
        let text = "somethingOdd([detail at /srv/build/.build/checkouts/lib/File.swift:12])"
        let described = NetworkFailureText.describe(text: text)
        #expect(!described.contains("/srv"))
        #expect(described.contains("somethingOdd"))
    }

    @Test func delaysAreRoundedToATenthOfASecond() {
        #expect(Backoff.delayText(.nanoseconds(741_588_809)) == "0.7 s")
        #expect(Backoff.delayText(.seconds(12)) == "12.0 s")
    }
}
