import BreakwaterNet
import FirehoseIngest
import Foundation
import Logging
import Testing

/// ``HTTPAPIServer`` on 127.0.0.1: routing to route sets, 404, 405, 414, HEAD.
@Suite("HTTPAPIServer", .timeLimit(.minutes(1)))
struct HTTPAPIServerTests {
    struct Echo: HTTPRouteSet {
        func serves(_ path: String) -> Bool { path.hasPrefix("/echo") }
        func reply(to request: HTTPRequestInfo) async -> HTTPReply {
            .json(200, "{\"path\":\"\(request.path)\",\"q\":\"\(request.query["q"] ?? "")\"}")
        }
    }

    struct Other: HTTPRouteSet {
        func serves(_ path: String) -> Bool { path == "/other" }
        func reply(to request: HTTPRequestInfo) async -> HTTPReply { HTTPReply(status: 200, contentType: "text/plain", body: Array("other".utf8)) }
    }

    static func withServer(_ body: @Sendable (String) async throws -> Void) async throws {
        var logger = Logger(label: "test.http")
        logger.logLevel = .critical
        let server = try await HTTPAPIServer.bind(host: "127.0.0.1", port: 0, routes: [Echo(), Other()], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            try await body(server.url)
        }
    }

    @Test func routeSetsAnswerTheirPathsAndEverythingElseIsAnError() async throws {
        try await Self.withServer { base in
            let echo = try await Observe.request(base + "/echo/a%20b?q=x+y")
            #expect(echo.status == 200)
            #expect(echo.json["path"] as? String == "/echo/a b")
            #expect(echo.json["q"] as? String == "x y")
            #expect(try await Observe.request(base + "/other").text == "other")
            let missing = try await Observe.request(base + "/missing")
            #expect(missing.status == 404)
            #expect(missing.json["error"] as? String == "NotFound")
            #expect(try await Observe.request(base + "/other", method: "DELETE").status == 405)
            #expect(try await Observe.request(base + "/echo", method: "POST").status == 405)
            let head = try await Observe.request(base + "/other", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty)
            let long = try await Observe.request(base + "/echo?q=" + String(repeating: "a", count: 5000))
            #expect(long.status == 414)
        }
    }
}
