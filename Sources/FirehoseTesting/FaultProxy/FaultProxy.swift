import Foundation
import Glibc
import Synchronization

/// A TCP proxy on 127.0.0.1 that injects network faults between a client (`breakwater consume`) and a server
/// (`breakwater serve`): resets, half-open connections, stalls, pauses, bytes written one at a time, a bandwidth
/// cap and added latency, as its ``FaultMix`` says. Every choice is drawn from the mix's seed in a fixed order
/// (``FaultPlan``); ``statistics`` counts what was done.
///
/// Plain blocking sockets and two threads per connection: the proxy must not share an event loop with the code it
/// tests, and its pauses are sleeps.
public final class FaultProxy: Sendable {
    /// The port the proxy listens on (127.0.0.1).
    public let port: Int
    /// The faults injected.
    public let mix: FaultMix
    let targetPort: Int
    let listener: Int32
    let shared = Mutex(Shared())

    struct Shared {
        var statistics = FaultProxyStatistics()
        var endingsGiven = 0
        var stopped = false
    }

    /// Listens on 127.0.0.1 (any free port) and forwards every connection to `127.0.0.1:targetPort`.
    public init(targetPort: Int, mix: FaultMix) throws {
        self.targetPort = targetPort
        self.mix = mix
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw FaultProxyError("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = FaultProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 64) == 0 else {
            close(socket)
            throw FaultProxyError("bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = socket
        let proxy = self
        Thread { proxy.acceptLoop() }.start()
    }

    /// `url` (a `ws://127.0.0.1:PORT…` address of the server) with the proxy's port instead.
    public func proxied(_ url: String) -> String {
        url.replacingOccurrences(of: ":\(targetPort)", with: ":\(port)")
    }

    /// What the proxy did so far.
    public var statistics: FaultProxyStatistics { shared.withLock { $0.statistics } }

    /// Stops accepting and ends every connection (threads finish within about 50 ms; the accepting thread closes the
    /// listening socket, and holds the proxy until then).
    public func stop() {
        let wasStopped = shared.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.stopped
        }
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    var isStopped: Bool { shared.withLock { $0.stopped } }

    func record(_ change: (inout FaultProxyStatistics) -> Void) { shared.withLock { change(&$0.statistics) } }

    func acceptLoop() {
        var number = 0
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            let server = FaultProxy.connect(port: targetPort)
            guard server >= 0 else {
                close(client)
                continue
            }
            let endingsLeft = shared.withLock { state -> Bool in
                state.statistics.connections += 1
                guard state.endingsGiven < mix.maxEndings else { return false }
                state.endingsGiven += 1
                return true
            }
            let plan = FaultPlan(mix: mix, number: number, endingsLeft: endingsLeft)
            if plan.ending == nil && endingsLeft { shared.withLock { $0.endingsGiven -= 1 } }
            FaultProxyConnection(proxy: self, client: client, server: server, plan: plan).start()
            number += 1
        }
        close(listener)
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func connect(port: Int) -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return -1 }
        var address = loopback(port: UInt16(port))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            return -1
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }
}

/// A failure to set the proxy up.
public struct FaultProxyError: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
    init(_ description: String) { self.description = description }
}
