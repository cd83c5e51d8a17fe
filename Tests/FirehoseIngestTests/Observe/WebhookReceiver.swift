import FirehoseTesting
import Foundation

/// A webhook receiver for tests: a ``ScriptedHTTPServer`` that answers the given statuses in turn (then `200`)
/// and records every request.
struct WebhookReceiver: Sendable {
    let server: ScriptedHTTPServer

    /// The webhook URL to configure (`/hook` on the server).
    var url: String { server.baseURL + "/hook" }
    /// Every request received, with the status it got.
    var requests: [ScriptedHTTPRequest] { server.requests }

    /// Runs `body` with a receiver serving; stops it afterwards.
    static func with<T: Sendable>(answers: [Int] = [], _ body: @Sendable (WebhookReceiver) async throws -> T) async throws -> T {
        let server = try ScriptedHTTPServer { _, index in .status(index < answers.count ? answers[index] : 200) }
        defer { server.stop() }
        return try await body(WebhookReceiver(server: server))
    }

    /// Waits until at least `count` requests arrived (or `seconds` passed).
    func waitForRequests(_ count: Int, seconds: Double = 20) async throws {
        try await server.waitForRequests(count, seconds: seconds)
    }
}

extension ScriptedHTTPRequest {
    /// The status the receiver answered with (`0` if it did not answer).
    var status: Int { answeredStatus ?? 0 }
    /// The body as a JSON object.
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
    /// The alerts of a batch.
    var alerts: [[String: Any]] { json["alerts"] as? [[String: Any]] ?? [] }
}
