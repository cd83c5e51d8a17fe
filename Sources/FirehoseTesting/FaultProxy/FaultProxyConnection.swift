import FirehoseSynth
import Foundation
import Glibc
import Synchronization

/// One proxied connection: a thread forwarding server → client (where the faults happen) and one forwarding
/// client → server. The file descriptors are closed once, by whichever thread finishes last.
final class FaultProxyConnection: Sendable {
    let proxy: FaultProxy
    let client: Int32
    let server: Int32
    let plan: Mutex<FaultPlan>
    let state = Mutex(State())

    struct State {
        /// Forwarding has ended (either side closed, or a fault ended it).
        var done = false
        /// Client-to-server forwarding must stop (half-open or stalled).
        var frozen = false
        /// Close the client's socket with a reset.
        var reset = false
        /// Threads finished.
        var finished = 0
    }

    init(proxy: FaultProxy, client: Int32, server: Int32, plan: FaultPlan) {
        self.proxy = proxy
        self.client = client
        self.server = server
        self.plan = Mutex(plan)
    }

    func start() {
        let connection = self
        Thread { connection.toClient(); connection.finish() }.start()
        Thread { connection.toServer(); connection.finish() }.start()
    }

    var shouldStop: Bool { state.withLock { $0.done } || proxy.isStopped }

    func end(reset: Bool = false) {
        state.withLock {
            $0.done = true
            if reset { $0.reset = true }
        }
    }

    func finish() {
        let (last, reset) = state.withLock { s -> (Bool, Bool) in
            s.finished += 1
            return (s.finished == 2, s.reset)
        }
        guard last else { return }
        if reset {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        close(client)
        close(server)
    }

    /// Waits up to `milliseconds` for `fd` to be readable; false on timeout or when the connection should stop.
    func readable(_ fd: Int32, milliseconds: Int32 = 20) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, milliseconds) > 0
    }

    /// Writes all of `bytes`; false when the peer is gone.
    func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    static func sleep(milliseconds: Int) {
        if milliseconds > 0 { usleep(UInt32(milliseconds) * 1_000) }
    }

    // MARK: - Client to server

    func toServer() {
        let mix = proxy.mix
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var sent = 0
        while !shouldStop && !state.withLock({ $0.frozen }) {
            guard readable(client) else { continue }
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { return end() }
            let ok = buffer.withUnsafeBytes { all -> Bool in
                let chunk = UnsafeRawBufferPointer(rebasing: all[..<count])
                // The upgrade request (the first kilobyte) one byte at a time, when the mix says so.
                guard mix.splitRequest && sent < 1_024 else { return send(server, chunk) }
                for index in chunk.indices {
                    guard send(server, UnsafeRawBufferPointer(rebasing: chunk[index..<(index + 1)])) else { return false }
                    usleep(200)
                }
                return true
            }
            sent += count
            proxy.record { $0.bytesToServer += count }
            guard ok else { return end() }
        }
    }

    // MARK: - Server to client

    func toClient() {
        let mix = proxy.mix
        var random = plan.withLock { $0.random }
        let ending = plan.withLock { $0.ending }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var sent = 0
        var nextPause = mix.pauseEvery.map { random.draw($0) }
        var nextSingle = mix.singleBytesEvery.map { random.draw($0) }
        var singleUntil = 0
        let started = ContinuousClock.now
        while !shouldStop {
            guard readable(server) else { continue }
            let count = read(server, &buffer, buffer.count)
            guard count > 0 else { return end() }
            if mix.latencyMilliseconds != 0...0 {
                FaultProxyConnection.sleep(milliseconds: random.draw(mix.latencyMilliseconds))
                proxy.record { $0.delayedChunks += 1 }
            }
            var offset = 0
            while offset < count {
                if let ending, sent >= ending.afterBytes { return hold(ending.kind) }
                if let pause = nextPause, sent >= pause, let every = mix.pauseEvery {
                    FaultProxyConnection.sleep(milliseconds: random.draw(mix.pauseMilliseconds))
                    proxy.record { $0.pauses += 1 }
                    nextPause = sent + random.draw(every)
                    if shouldStop { return }
                }
                if let single = nextSingle, sent >= single, let every = mix.singleBytesEvery {
                    singleUntil = sent + mix.singleBytesWindow
                    nextSingle = singleUntil + random.draw(every)
                }
                // Up to the next point where something happens.
                var limit = count - offset
                for boundary in [ending?.afterBytes, nextPause, nextSingle].compactMap({ $0 }) where boundary > sent {
                    limit = min(limit, boundary - sent)
                }
                let single = sent < singleUntil
                if single { limit = 1 }
                let ok = buffer.withUnsafeBytes { send(client, UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + limit)])) }
                guard ok else { return end() }
                sent += limit
                offset += limit
                proxy.record {
                    $0.bytesToClient += limit
                    if single { $0.singleBytes += 1 }
                }
                if single { usleep(50) }
                if let bandwidth = mix.bandwidth {
                    let due = Duration.microseconds(Int64(sent) * 1_000_000 / Int64(bandwidth))
                    let elapsed = ContinuousClock.now - started
                    if due > elapsed { usleep(UInt32((due - elapsed) / .microseconds(1))) }
                }
            }
        }
    }

    /// Ends the connection the way `kind` says. A reset closes at once; a half-open connection drops the server
    /// side and keeps the client's socket open and silent; a stall keeps both open and silent. The last two wait
    /// until the client closes (at most two minutes), discarding what it sends.
    func hold(_ kind: FaultMix.Ending) {
        switch kind {
        case .reset:
            proxy.record { $0.resets += 1 }
            end(reset: true)
            return
        case .halfOpen:
            proxy.record { $0.halfOpen += 1 }
            state.withLock { $0.frozen = true }
            shutdown(server, Int32(SHUT_RDWR))
        case .stall:
            proxy.record { $0.stalls += 1 }
            state.withLock { $0.frozen = true }
        }
        let deadline = ContinuousClock.now + .seconds(120)
        var scratch = [UInt8](repeating: 0, count: 4_096)
        while !proxy.isStopped && ContinuousClock.now < deadline {
            guard readable(client, milliseconds: 50) else { continue }
            if read(client, &scratch, scratch.count) <= 0 { break }
        }
        end()
    }
}
