import BreakwaterNet
import ArgumentParser
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import Logging
import BreakwaterService

/// `consume`'s alert and observability options (the log options are ``LogOptions``): webhook, Prometheus metrics, status API.
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

    /// Bootstraps metrics (when served) and prepares the webhook, the HTTP servers and the alert dispatcher
    /// (``Observability/prepare(metrics:http:webhook:upstream:host:store:build:logger:)``) from the options and
    /// their environment variables. `host` is named in alerts.
    func prepare(upstream: String, host: String, store: any StatusReader, logger: Logger) async throws -> Observability {
        let metricsAddress = try address(EnvironmentOption.value(metrics, env: "BREAKWATER_METRICS"), option: "--metrics")
        let httpAddress = try address(EnvironmentOption.value(http, env: "BREAKWATER_HTTP"), option: "--http")
        var webhookConfiguration: WebhookConfiguration? = nil
        if let url = EnvironmentOption.value(webhook, env: "BREAKWATER_WEBHOOK") {
            _ = try EnvironmentOption.httpURL(url, option: "--webhook")
            webhookConfiguration = WebhookConfiguration(url: url, capacity: webhookQueue,
                                                        shutdownDeadline: .milliseconds(Int64(webhookDeadline * 1000)))
        }
        return try await Observability.prepare(metrics: metricsAddress, http: httpAddress, webhook: webhookConfiguration,
                                               upstream: upstream, host: host, store: store, build: BuildInfo.description,
                                               logger: logger)
    }

    private func address(_ text: String?, option: String) throws -> ListenAddress? {
        guard let text else { return nil }
        guard let address = ListenAddress(text) else {
            throw OperationalError("invalid-address", "\(option) must be HOST:PORT, not '\(text)'")
        }
        return address
    }
}
