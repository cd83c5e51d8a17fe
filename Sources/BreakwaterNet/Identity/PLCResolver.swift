public import ATIdentity
public import ATSyntax
import Foundation

/// Resolves `did:plc` DIDs from a PLC directory: `GET {directory}/{did}` (Docs/SPEC.md §11).
///
/// `200` with a DID document whose `id` is the DID → the identity; `404` → `not-found`;
/// `410 Gone` → `tombstoned`; any other status → `http-status`. Network rules (https only, address
/// checks, limits) are the shared ``GuardedHTTPClient``'s.
///
/// Spec: https://web.plc.directory/spec/v0.1/did-plc
public struct PLCResolver: IdentityResolver {
    /// The directory's base URL without a trailing `/`, e.g. `https://plc.directory`.
    public let directory: String
    private let http: GuardedHTTPClient
    private let now: @Sendable () -> Int64

    /// The public directory (indigo's `DefaultPLCURL`).
    public static let defaultDirectory = "https://plc.directory"

    /// A resolver over `directory`; `now` (µs since the epoch) stamps the results.
    public init(directory: String = PLCResolver.defaultDirectory, http: GuardedHTTPClient, now: @escaping @Sendable () -> Int64) {
        var base = Substring(directory)
        while base.hasSuffix("/") { base = base.dropLast() }
        self.directory = String(base)
        self.http = http
        self.now = now
    }

    public func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        guard did.isPLC else { throw ATIdentityError(.unsupportedMethod, "\(did) is not a did:plc") }
        let response: GuardedHTTPClient.Response
        do { response = try await http.get("\(directory)/\(did)") } catch { throw ATIdentityError(error) }
        switch response.status {
        case 200:
            return try DocumentResponse.identity(did, body: response.body, fetchedAt: now())
        case 404:
            throw ATIdentityError(.notFound, "\(did) is not registered with \(directory)")
        case 410:
            throw ATIdentityError(.tombstoned, "\(did) is tombstoned at \(directory)")
        default:
            throw ATIdentityError(.httpStatus, "\(directory) answered \(response.status) for \(did)")
        }
    }
}

/// Turning a fetched document into an identity, shared by the HTTP resolvers.
enum DocumentResponse {
    /// The identity stated by `body`, which must be the DID document of `did` (`wrong-did` otherwise).
    static func identity(_ did: DID, body: [UInt8], fetchedAt: Int64) throws(ATIdentityError) -> ResolvedIdentity {
        let document = try DIDDocument(data: Data(body))
        return try ResolvedIdentity(did: did, document: document, fetchedAt: fetchedAt)
    }
}
