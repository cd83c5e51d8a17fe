import Foundation
import Glibc
import Synchronization

/// A loopback HTTP/1.1 server for tests that need a fake endpoint (a PLC directory, a `did:web` host, a PDS
/// answering `getRepo`, a webhook receiver, a relay that misbehaves before the WebSocket upgrade).
///
/// It listens on 127.0.0.1 on a free port, serves each connection on its own thread over plain blocking sockets
/// (no event loop shared with the code under test), keeps connections alive between requests, and answers each
/// request from its routes (by request target) or, failing that, from its script; unknown targets get `404`.
/// Every request and every accepted connection is recorded. ``stop()`` (or releasing the server) ends it.
public final class ScriptedHTTPServer: Sendable {
    /// Chooses the reply to a request that has no route; gets the request and how many requests came before it.
    public typealias Script = @Sendable (_ request: ScriptedHTTPRequest, _ index: Int) -> ScriptedHTTPReply

    /// The port the server listens on (127.0.0.1).
    public let port: Int
    let listener: Int32
    let script: Script?
    let state: Mutex<State>

    struct State {
        var routes: [String: ScriptedHTTPReply]
        var requests: [ScriptedHTTPRequest] = []
        var arrivals: [ContinuousClock.Instant] = []
        var openSockets: Set<Int32> = []
        var stopped = false
    }

    /// Listens on 127.0.0.1 (any free port); answers from `routes` (keyed by request target, query included),
    /// then from `script`, then with `404`.
    public init(routes: [String: ScriptedHTTPReply] = [:], script: Script? = nil) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ScriptedHTTPServerError("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 64) == 0 else {
            close(socket)
            throw ScriptedHTTPServerError("bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = socket
        self.script = script
        state = Mutex(State(routes: routes))
        // Only this thread closes the listener, once it no longer polls it: a descriptor closed under its feet
        // could be reused by the next server, whose connections this thread would then take.
        Thread { [weak self] in
            while let server = self, server.acceptOnce() {}
            close(socket)
        }.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `ws://127.0.0.1:PORT`, for a WebSocket client that must fail before the upgrade.
    public var webSocketURL: String { "ws://127.0.0.1:\(port)" }

    /// Sets (or replaces) the reply for the request target `target`.
    public func set(_ target: String, _ reply: ScriptedHTTPReply) {
        state.withLock { $0.routes[target] = reply }
    }

    /// Every request received so far, in arrival order.
    public var requests: [ScriptedHTTPRequest] { state.withLock { $0.requests } }

    /// The request targets received so far, in arrival order.
    public var targets: [String] { state.withLock { $0.requests.map(\.target) } }

    /// How many requests had the target `target`.
    public func count(_ target: String) -> Int { state.withLock { $0.requests.count { $0.target == target } } }

    /// When each connection was accepted, in order.
    public var connectionArrivals: [ContinuousClock.Instant] { state.withLock { $0.arrivals } }

    /// Waits until at least `count` requests arrived, or `seconds` passed.
    public func waitForRequests(_ count: Int, seconds: Double = 20) async throws {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while requests.count < count, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// Stops listening and shuts every open connection down (their threads close them). Idempotent.
    public func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            // Under the lock: a connection's thread removes its socket here before closing it, so none is reused yet.
            for socket in state.openSockets { shutdown(socket, Int32(SHUT_RDWR)) }
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Waits briefly for one connection and serves it on its own thread; false once the server stopped.
    private func acceptOnce() -> Bool {
        guard !isStopped else { return false }
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 100) > 0 else { return !isStopped }
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return !isStopped }
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.arrivals.append(.now)
            state.openSockets.insert(client)
            return true
        }
        guard admitted else {
            close(client)
            return false
        }
        Thread { self.serve(client) }.start()
        return true
    }

    /// Answers requests on `socket` until the client or a reply ends the connection.
    private func serve(_ socket: Int32) {
        defer {
            state.withLock { _ = $0.openSockets.remove(socket) }
            close(socket)
        }
        var reader = ScriptedHTTPConnectionReader(socket: socket)
        while let request = try? reader.nextRequest() {
            let reply = record(request)
            let writer = ScriptedHTTPResponseWriter(socket: socket, isStopped: { self.isStopped })
            guard writer.write(reply, reader: &reader) else { return }
            if request.header("connection")?.lowercased() == "close" { return }
        }
    }

    /// Logs `request` with the status it is about to get, and returns its reply.
    private func record(_ request: ScriptedHTTPRequest) -> ScriptedHTTPReply {
        let (route, index) = state.withLock { ($0.routes[request.target], $0.requests.count) }
        let reply = route ?? script?(request, index) ?? .status(404)
        var logged = request
        logged.answeredStatus = reply.statusCode
        state.withLock { $0.requests.append(logged) }
        return reply
    }
}

/// A ``ScriptedHTTPServer`` that could not start.
public struct ScriptedHTTPServerError: Error, CustomStringConvertible {
    /// What failed.
    public var description: String

    init(_ description: String) { self.description = description }
}
