import AsyncHTTPClient
public import FirehoseSync
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// ``WebhookTransport`` over HTTP: each batch is one `POST` of `application/json` to ``url``, no redirects
/// followed, connect within 5 s. A 2xx answer delivers it; 408, 429, 5xx and network errors are worth a retry
/// (with the server's `Retry-After`, see ``RetryAfter``); other answers refuse it.
public final class WebhookClient: WebhookTransport {
    /// Where batches are sent.
    public let url: String
    private let client: HTTPClient
    private let logger: Logger

    /// A client for `url`; `requestTimeout` bounds reading an answer.
    public init(url: String, requestTimeout: Duration, logger: Logger) {
        self.url = url
        self.logger = logger
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: .seconds(5), read: TimeAmount(requestTimeout))
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: http, backgroundActivityLogger: logger)
    }

    public func post(_ body: [UInt8], timeout: Duration) async -> WebhookAttempt {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "breakwater")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout), logger: logger)
            _ = try? await response.body.collect(upTo: 1 << 16)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .delivered }
            if status == 408 || status == 429 || status >= 500 {
                return .retry("HTTP \(status)", retryAfter: RetryAfter.parse(response.headers.first(name: "Retry-After")))
            }
            return .refused("HTTP \(status)")
        } catch {
            return .retry(NetworkFailureText.describe(error), retryAfter: nil)
        }
    }

    public func shutdown() async {
        do { try await client.shutdown() } catch {
            logger.debug("webhook HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
