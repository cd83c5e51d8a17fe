/// The firehose endpoint, `com.atproto.sync.subscribeRepos`, as the subscription asks for it and the test relay
/// serves it.
public enum SubscribeRepos {
    /// The endpoint path.
    public static let path = "/xrpc/com.atproto.sync.subscribeRepos"
}
