/// Sends one webhook batch (a JSON body) to the configured URL: the port through which the alert queue posts
/// without knowing the HTTP client.
public protocol WebhookTransport: Sendable {
    /// POSTs `body` once, within `timeout`, and says what came of it.
    func post(_ body: [UInt8], timeout: Duration) async -> WebhookAttempt
    /// Releases the connections. Called once, when the queue has stopped.
    func shutdown() async
}

/// What one webhook POST came to.
public enum WebhookAttempt: Sendable, Equatable {
    /// A 2xx answer.
    case delivered
    /// Worth retrying (408, 429, 5xx, a network error), with why and the server's `Retry-After`, if any.
    case retry(String, retryAfter: Duration?)
    /// Refused for good (any other status), with why.
    case refused(String)
}
