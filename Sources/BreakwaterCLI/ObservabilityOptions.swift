import BreakwaterNet
import ArgumentParser
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `consume`'s alert and observability options (issue 06 §5; the log options are ``LogOptions``): webhook, Prometheus metrics, status API.
struct ObservabilityOptions: ParsableArguments {
    @Option(help: ArgumentHelp("POST alerts (rejected and desynchronized events) as JSON batches to this http(s) URL. Env: BREAKWATER_WEBHOOK.",
                               valueName: "url"))
    var webhook: String?

    @Option(help: ArgumentHelp("Alerts held for the webhook while it is unreachable; beyond, the oldest are dropped.", valueName: "n"))
    var webhookQueue: Int = 10_000

    @Option(help: ArgumentHelp("Seconds to deliver queued alerts to the webhook on shutdown.", valueName: "seconds"))
    var webhookDeadline: Double = 5

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (port 0: any free port). Env: BREAKWATER_METRICS.",
                               valueName: "host:port"))
    var metrics: String?

    @Option(help: ArgumentHelp("Serve the status API (/health, /status, /repos/{did}, /violations) at HOST:PORT. Env: BREAKWATER_HTTP.",
                               valueName: "host:port"))
    var http: String?

    func validate() throws {
        guard webhookQueue >= 1 else { throw ValidationError("--webhook-queue must be at least 1") }
        guard webhookDeadline >= 0 else { throw ValidationError("--webhook-deadline must not be negative") }
        for (name, value) in [("--metrics", metrics), ("--http", http)] {
            if let value, ListenAddress(value) == nil { throw ValidationError("\(name) must be HOST:PORT, not '\(value)'") }
        }
    }

    /// Bootstraps metrics (when served), starts nothing yet: binds the HTTP servers and builds the webhook sender
    /// and the alert dispatcher. Call before building the pipeline (metrics handles are made from the backend
    /// bootstrapped here). `host` is named in alerts.
    func prepare(upstream: String, host: String, store: SQLiteStateStore, logger: Logger) async throws -> Observability {
        let metricsAddress = try address(EnvironmentOption.value(metrics, env: "BREAKWATER_METRICS"), option: "--metrics")
        let httpAddress = try address(EnvironmentOption.value(http, env: "BREAKWATER_HTTP"), option: "--http")
        var routes: [ListenAddress: [any HTTPRouteSet]] = [:]
        if let metricsAddress {
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.durationHistogramBuckets[BreakwaterMetricNames.verificationDuration] = [
                .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .seconds(1), .seconds(5),
            ]
            MetricsSystem.bootstrap(factory)
            routes[metricsAddress, default: []].append(MetricsRoutes(registry: registry))
        }
        if let httpAddress {
            routes[httpAddress, default: []].append(StatusRoutes(store: store, upstream: upstream))
        }
        var services: [any Service] = []
        var webhookSender: WebhookSender? = nil
        if let url = EnvironmentOption.value(webhook, env: "BREAKWATER_WEBHOOK") {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  parsed.host?.isEmpty == false else {
                throw OperationalError("invalid-url", "--webhook must be an http(s) URL, not '\(url)'")
            }
            let configuration = WebhookConfiguration(url: url, capacity: webhookQueue,
                                                     shutdownDeadline: .milliseconds(Int64(webhookDeadline * 1000)))
            let sender = WebhookSender(
                configuration: configuration,
                transport: WebhookClient(url: url, requestTimeout: configuration.requestTimeout, logger: logger),
                logger: logger)
            webhookSender = sender
            services.append(sender)
        }
        for (address, sets) in routes.sorted(by: { $0.key.description < $1.key.description }) {
            let server: HTTPAPIServer
            do {
                server = try await HTTPAPIServer.bind(host: address.host, port: address.port, routes: sets, logger: logger)
            } catch let error as NetError {
                throw OperationalError(error.code.description, error.reason)
            }
            for set in sets {
                logger.info("\(set is MetricsRoutes ? "metrics" : "status API") listening", metadata: ["http.url": "\(server.url)"])
            }
            services.append(server)
        }
        let alerts = AlertDispatcher(host: host, logger: Logger(label: "breakwater.alerts"), webhook: webhookSender,
                                     now: { Int64(Date().timeIntervalSince1970 * 1_000_000) })
        return Observability(alerts: alerts, services: services)
    }

    private func address(_ text: String?, option: String) throws -> ListenAddress? {
        guard let text else { return nil }
        guard let address = ListenAddress(text) else {
            throw OperationalError("invalid-address", "\(option) must be HOST:PORT, not '\(text)'")
        }
        return address
    }
}

/// What ``ObservabilityOptions/prepare(upstream:host:store:logger:)`` set up: the alert dispatcher to feed with
/// stored outcomes, and the services (webhook sender, HTTP servers) to run beside the ingest.
struct Observability: Sendable {
    let alerts: AlertDispatcher
    let services: [any Service]

    /// Feeds one stored outcome line (raises an alert for `rejected` and `desynchronized`).
    func outcome(_ line: OutcomeLine) { alerts.handle(line) }

    /// The service group: these services first, `main` last, so that on shutdown (reverse order) the ingest
    /// drains first, then the servers stop and the webhook flushes what the ingest alerted.
    /// `beside` run between the two and end on their own without stopping the group.
    func services(around main: ServiceGroupConfiguration.ServiceConfiguration,
                  beside: [any Service] = []) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup) }
            + beside.map { .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore) }
            + [main]
    }
}

/// A `HOST:PORT` to listen on (`127.0.0.1:9100`, `[::1]:9100`, `localhost:0`); `:PORT` (no host) means all
/// interfaces (``allInterfaces``), as in Prometheus exporters' `--web.listen-address=:9100`.
struct ListenAddress: Hashable, CustomStringConvertible {
    let host: String
    let port: Int

    /// The host `:PORT` listens on: every IPv4 interface.
    static let allInterfaces = "0.0.0.0"

    init?(_ text: String) {
        if text.hasPrefix(":"), let port = Int(text.dropFirst()), (0...65535).contains(port) {
            self.host = Self.allInterfaces
            self.port = port
            return
        }
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
