import ArgumentParser
import FirehoseIngest
import Foundation
import Logging

/// Options shared by `consume` and `record`: where to connect and when to stop.
struct LiveOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Relay or PDS to subscribe to (default wss://bsky.network). Env: BREAKWATER_RELAY. consume takes it twice to compare two relays live: the first is verified, the second compared with it.", valueName: "url"))
    var relay: [String] = []

    @Option(help: ArgumentHelp("PLC directory (default https://plc.directory). Env: BREAKWATER_PLC.", valueName: "url"))
    var plc: String?

    @Option(help: ArgumentHelp("Identities file with static keys (no look-ups for those DIDs).", valueName: "file"))
    var identities: String?

    @Option(help: "Start after this seq (overrides any stored cursor).")
    var cursor: Int64?

    @Option(help: "Stop cleanly after this many events.")
    var maxEvents: Int?

    @Option(help: ArgumentHelp("Stop cleanly after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("TLS server name (SNI and certificate check), needed for wss:// to an IP address.", valueName: "name"))
    var sni: String?

    @Option(help: ArgumentHelp("PEM file of certificates to trust for wss:// besides the system's (a private CA).", valueName: "file"))
    var caFile: String?

    @Option(help: ArgumentHelp("Reconnect when nothing (no frame, no pong) arrived for this many seconds; pings go out at half that period.", valueName: "seconds"))
    var readTimeout: Double = 60

    @Option(help: "Consecutive failed connection attempts before giving up (0: never give up).")
    var maxRetries: Int = 10

    func validate() throws {
        if relay.count > 2 { throw ValidationError("--relay is given at most twice") }
        if let maxEvents, maxEvents < 1 { throw ValidationError("--max-events must be at least 1") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let cursor, cursor < 0 { throw ValidationError("--cursor must not be negative") }
        guard readTimeout > 0 else { throw ValidationError("--read-timeout must be positive") }
        guard maxRetries >= 0 else { throw ValidationError("--max-retries must not be negative") }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { throw ValidationError("--ca-file \(caFile) cannot be read") }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The relay URL as given (option, environment, default).
    var relayText: String { relay.first ?? environment["BREAKWATER_RELAY"] ?? "wss://bsky.network" }

    /// The PLC directory URL.
    func plcURL() throws -> URL? {
        let text = plc ?? environment["BREAKWATER_PLC"] ?? "https://plc.directory"
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw OperationalError("invalid-url", "--plc must be an http(s) URL, not '\(text)'")
        }
        return url
    }

    /// The parsed relay endpoint.
    func relayURL() throws -> RelayURL { try parsedRelay(relayText) }

    /// The second relay to compare with the first (`--relay` given twice), if any.
    func secondRelayURL() throws -> RelayURL? {
        guard relay.count == 2 else { return nil }
        return try parsedRelay(relay[1])
    }

    private func parsedRelay(_ text: String) throws -> RelayURL {
        do {
            return try RelayURL(text, sniHostname: sni)
        } catch {
            throw OperationalError(error.code.description, error.reason)
        }
    }

    func subscription(logger: Logger) throws -> FirehoseSubscription {
        try subscription(to: relayURL(), logger: logger)
    }

    func subscription(to relay: RelayURL, logger: Logger) -> FirehoseSubscription {
        FirehoseSubscription(
            configuration: SubscriptionConfiguration(
                relay: relay, pingInterval: .milliseconds(Int64(readTimeout * 500)), readTimeout: .milliseconds(Int64(readTimeout * 1000)),
                maxConsecutiveFailures: maxRetries == 0 ? nil : maxRetries, additionalTrustRoots: caFile),
            logger: logger)
    }

    var durationLimit: Duration? { duration.map { .milliseconds(Int64($0 * 1000)) } }
}
