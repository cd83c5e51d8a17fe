/// Fetches full repositories (`com.atproto.sync.getRepo`, Docs/SPEC.md §7.5 step 2) for mirrors and resyncs.
/// Implemented over HTTP; tests and offline tools supply CAR files instead.
public protocol RepoFetcher: Sendable {
    /// The CAR bytes of the current repository of `did`.
    func fetchRepository(did: String) async throws -> [UInt8]
}
