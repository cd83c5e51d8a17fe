package import BreakwaterNet
import ATSyntax
import FirehoseIngest
package import FirehoseSync
package import Foundation

/// The status API of `consume --http HOST:PORT`:
///
/// - `GET /health`: 200 and `{"status": "ok", …}` while the service runs;
/// - `GET /status[?limit=N]`: the document of `breakwater status --json` (``StatusJSON/statusDocument(store:leases:limit:)``);
/// - `GET /repos/{did}[?limit=N]`: the document of `status --did DID --json`; 404 when the database knows
///   nothing of the DID, 400 when it is not a DID;
/// - `GET /violations[?since=S][&limit=N]`: violations newest first; `since` is µs since the Unix epoch or an
///   RFC 3339 datetime (violations processed at or after it), `limit` defaults to 100 and is capped at 1,000.
package struct StatusRoutes: HTTPRouteSet {
    package let store: any StatusReader
    /// The database's writer leases, when it keeps them (the store is also a ``LeaseStore``).
    package let leases: (any LeaseStore)?
    package let upstream: String
    package let build: BuildDescription
    package let startedAt = Date()

    /// The routes over `store` for a service reading `upstream`, built as `build` says.
    package init(store: any StatusReader, upstream: String, build: BuildDescription) {
        self.store = store
        self.leases = (store as Any) as? any LeaseStore
        self.upstream = upstream
        self.build = build
    }

    package static let defaultLimit = 10
    package static let defaultViolationsLimit = 100
    package static let maxLimit = 1000

    package func serves(_ path: String) -> Bool {
        ["/health", "/status", "/violations"].contains(path) || path.hasPrefix("/repos/")
    }

    package func reply(to request: HTTPRequestInfo) async -> HTTPReply {
        do {
            switch request.path {
            case "/health":
                let object: [String: Any] = ["status": "ok", "service": "breakwater consume", "version": build.version,
                                             "commit": build.commit, "buildDate": build.date, "toolchain": build.toolchain,
                                             "upstream": upstream, "uptimeSeconds": Int(Date().timeIntervalSince(startedAt))]
                return .json(200, JSONOutput.string(object) + "\n")
            case "/status":
                let limit = try Self.limit(request, default: Self.defaultLimit)
                return .json(200, try StatusJSON.statusDocument(store: store, leases: leases, limit: limit) + "\n")
            case "/violations":
                let limit = try Self.limit(request, default: Self.defaultViolationsLimit)
                let since = try request.query["since"].map(Self.since)
                return .json(200, try StatusJSON.violationsDocument(store: store, sinceMicros: since, limit: limit) + "\n")
            default:
                let did = String(request.path.dropFirst("/repos/".count))
                guard (try? DID(did)) != nil else {
                    return .error(400, "InvalidRequest", "'\(did)' is not a DID")
                }
                let limit = try Self.limit(request, default: Self.defaultLimit)
                let document = try StatusJSON.repoDocument(store: store, did: did, limit: limit)
                guard document.known else { return .error(404, "RepoNotFound", "no stored state or violations for \(did)") }
                return .json(200, document.text + "\n")
            }
        } catch let error as BadParameter {
            return .error(400, "InvalidRequest", error.message)
        } catch {
            return .error(500, "InternalError", "\(error)")
        }
    }

    package struct BadParameter: Error {
        package let message: String
    }

    /// The `limit` parameter: a positive integer, capped at ``maxLimit``.
    package static func limit(_ request: HTTPRequestInfo, default value: Int) throws -> Int {
        guard let text = request.query["limit"] else { return value }
        guard let limit = Int(text), limit >= 1 else { throw BadParameter(message: "limit must be a positive integer") }
        return min(limit, maxLimit)
    }

    /// The `since` parameter: µs since the Unix epoch (digits) or an RFC 3339 datetime.
    package static func since(_ text: String) throws -> Int64 {
        if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let micros = Int64(text) { return micros }
        guard let datetime = try? Datetime(text) else {
            throw BadParameter(message: "since must be microseconds since the Unix epoch or an RFC 3339 datetime (2026-01-02T03:04:05Z)")
        }
        return datetime.microsecondsSinceEpoch
    }
}
