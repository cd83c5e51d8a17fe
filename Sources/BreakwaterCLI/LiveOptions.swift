import BreakwaterNet
import ArgumentParser
import FirehoseIngest
import Foundation
import Logging

/// Options shared by `consume` and `record`: where to connect and when to stop.
struct LiveOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Relay or PDS to subscribe to (default wss://bsky.network). Env: BREAKWATER_RELAY.", valueName: "url"))
    var relay: [String] = []

    @Option(help: ArgumentHelp("PLC directory (default https://plc.directory). Env: BREAKWATER_PLC.", valueName: "url"))
    var plc: String?

    @Option(help: ArgumentHelp("Identities file with static keys (no look-ups for those DIDs). Env: BREAKWATER_IDENTITIES.", valueName: "file"))
    var identities: String?

    @Option(help: "Start after this seq (overrides any stored cursor).")
    var cursor: Int64?

    @Option(help: "Stop cleanly after this many events.")
    var maxEvents: Int?

    @Option(help: ArgumentHelp("Stop cleanly after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("TLS server name (SNI and certificate check), needed for wss:// to an IP address. Env: BREAKWATER_SNI.", valueName: "name"))
    var sni: String?

    @Option(help: ArgumentHelp("PEM file of certificates to trust for wss:// besides the system's (a private CA). Env: BREAKWATER_CA_FILE.", valueName: "file"))
    var caFile: String?

    @Option(help: ArgumentHelp("Reconnect when nothing (no frame, no pong) arrived for this many seconds; pings go out at half that period.", valueName: "seconds"))
    var readTimeout: Double = 60

    @Option(help: "Consecutive failed connection attempts before giving up (0: never give up).")
    var maxRetries: Int = 10

    func validate() throws {
        if relay.count > 2 { throw UsageError("--relay is given at most twice") }
        if let maxEvents, maxEvents < 1 { throw ValidationError("--max-events must be at least 1") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let cursor, cursor < 0 { throw ValidationError("--cursor must not be negative") }
        guard readTimeout > 0 else { throw ValidationError("--read-timeout must be positive") }
        guard maxRetries >= 0 else { throw ValidationError("--max-retries must not be negative") }
        if let caFilePath, !FileManager.default.isReadableFile(atPath: caFilePath) {
            throw ValidationError("--ca-file \(caFilePath) cannot be read")
        }
    }

    /// The relay URL as given (option, environment, default).
    var relayText: String { EnvironmentOption.value(relay.first, env: "BREAKWATER_RELAY", default: "wss://bsky.network") }

    /// The PLC directory URL (option, environment, default).
    func plcURL() throws -> URL? { try EnvironmentOption.plcURL(plc) }

    /// The identities file: `--identities`, else `BREAKWATER_IDENTITIES`.
    var identitiesPath: String? { EnvironmentOption.value(identities, env: "BREAKWATER_IDENTITIES") }

    /// The TLS server name: `--sni`, else `BREAKWATER_SNI`.
    var sniName: String? { EnvironmentOption.value(sni, env: "BREAKWATER_SNI") }

    /// The extra trust roots: `--ca-file`, else `BREAKWATER_CA_FILE`.
    var caFilePath: String? { EnvironmentOption.value(caFile, env: "BREAKWATER_CA_FILE") }

    /// The parsed relay endpoint.
    func relayURL() throws -> RelayURL { try parsedRelay(relayText) }

    /// The second relay to compare with the first (`--relay` given twice), if any.
    func secondRelayURL() throws -> RelayURL? {
        guard relay.count == 2 else { return nil }
        return try parsedRelay(relay[1])
    }

    private func parsedRelay(_ text: String) throws -> RelayURL {
        do {
            return try RelayURL(text, sniHostname: sniName)
        } catch {
            throw OperationalError(error.code.description, error.reason)
        }
    }

    func subscription(logger: Logger, metrics: IngestMetrics = IngestMetrics()) throws -> FirehoseSubscription {
        try subscription(to: relayURL(), logger: logger, metrics: metrics)
    }

    func subscription(to relay: RelayURL, logger: Logger, metrics: IngestMetrics = IngestMetrics()) -> FirehoseSubscription {
        FirehoseSubscription(
            configuration: SubscriptionConfiguration(
                relay: relay, pingInterval: .milliseconds(Int64(readTimeout * 500)), readTimeout: .milliseconds(Int64(readTimeout * 1000)),
                maxConsecutiveFailures: maxRetries == 0 ? nil : maxRetries, additionalTrustRoots: caFilePath),
            logger: logger, onReconnect: { metrics.reconnect() })
    }

    var durationLimit: Duration? { duration.map { .milliseconds(Int64($0 * 1000)) } }
}
