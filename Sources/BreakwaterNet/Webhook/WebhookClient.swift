public import FirehoseSync
public import Logging

/// ``WebhookTransport`` over the ``GuardedHTTPClient``: each batch is one `POST` of `application/json` to ``url``
/// (any http or https URL the operator names; no redirect followed; connect within 5 s). A 2xx answer delivers it;
/// 408, 429, 5xx and network errors are worth a retry (with the server's `Retry-After`, see ``RetryAfter``); other
/// answers refuse it.
public final class WebhookClient: WebhookTransport {
    /// Where batches are sent.
    public let url: String
    private let client: GuardedHTTPClient

    /// A client for `url`; `requestTimeout` bounds reading an answer.
    public init(url: String, requestTimeout: Duration, logger: Logger) {
        self.url = url
        var configuration = GuardedHTTPConfiguration(userAgent: "breakwater", connectTimeout: .seconds(5), totalTimeout: requestTimeout,
                                                     maxRedirects: 0, perHostLimit: .init(perSecond: 1_000, burst: 1_000))
        configuration.restrictsAddresses = false
        self.client = GuardedHTTPClient(configuration: configuration, logger: logger)
    }

    public func post(_ body: [UInt8], timeout: Duration) async -> WebhookAttempt {
        do {
            let response = try await client.post(url, body: body, contentType: "application/json", timeout: timeout)
            let status = response.status
            if (200..<300).contains(status) { return .delivered }
            if status == 408 || status == 429 || status >= 500 {
                return .retry("HTTP \(status)", retryAfter: RetryAfter.parse(response.header("Retry-After")))
            }
            return .refused("HTTP \(status)")
        } catch {
            return .retry(error.reason, retryAfter: nil)
        }
    }

    public func shutdown() async { await client.shutdown() }
}
