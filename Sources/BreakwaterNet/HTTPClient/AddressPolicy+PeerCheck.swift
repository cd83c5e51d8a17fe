import AsyncHTTPClient
import NIOCore

extension AddressPolicy {
    /// Installs a connection check on `http`: every connection (HTTP/1.1 and HTTP/2) whose peer address the policy
    /// refuses is closed before a request is sent, failing with `refused(reason)`. This catches names that resolve
    /// to a forbidden address after the URL itself was checked (DNS rebinding).
    func installPeerCheck(on http: inout HTTPClient.Configuration, refused: @escaping @Sendable (String) -> any Error) {
        let policy = self
        let checkPeer: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            let address = channel.remoteAddress?.ipAddress ?? "an unknown address"
            if let refusal = policy.refusal(forAddress: address) {
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(refused("connected to \(refusal)"))
            }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        http.http1_1ConnectionDebugInitializer = checkPeer
        http.http2ConnectionDebugInitializer = checkPeer
    }
}
