import BreakwaterNet
package import FirehoseIngest
import FirehoseStore
package import FirehoseSync
import Foundation
package import Logging
import Metrics
import Prometheus
package import ServiceLifecycle

/// What ``Observability/prepare(metrics:http:webhook:upstream:host:store:build:logger:)`` set up: the alert dispatcher to feed with
/// stored outcomes, and the services (webhook sender, HTTP servers) to run beside the ingest.
package struct Observability: Sendable {
    package let alerts: AlertDispatcher
    /// Where the service records its metrics, made from the backend bootstrapped in ``prepare(metrics:http:webhook:upstream:host:store:build:logger:)``.
    package let metrics: IngestMetrics
    package let services: [any Service]

    /// Bootstraps metrics (when `metrics` is given), starts nothing yet: binds the HTTP servers (`/metrics` at
    /// `metrics`, the status API at `http`) and builds the webhook sender and the alert dispatcher. Call before
    /// building the pipeline (metrics handles are made from the backend bootstrapped here). `host` is named in
    /// alerts.
    package static func prepare(metrics metricsAddress: ListenAddress?, http httpAddress: ListenAddress?,
                        webhook: WebhookConfiguration?, upstream: String, host: String, store: any StatusReader,
                        build: BuildDescription, logger: Logger) async throws -> Observability {
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
            routes[metricsAddress, default: []].append(MetricsRoutes(registry: registry, build: build))
        }
        if let httpAddress {
            routes[httpAddress, default: []].append(StatusRoutes(store: store, upstream: upstream, build: build))
        }
        let metrics = IngestMetrics()
        var services: [any Service] = []
        var webhookSender: WebhookSender? = nil
        if let webhook {
            let sender = WebhookSender(configuration: webhook,
                                       transport: WebhookClient(url: webhook.url, requestTimeout: webhook.requestTimeout, logger: logger),
                                       logger: logger, metrics: metrics)
            webhookSender = sender
            services.append(sender)
        }
        for (address, sets) in routes.sorted(by: { $0.key.description < $1.key.description }) {
            let server: HTTPAPIServer
            do {
                server = try await HTTPAPIServer.bind(host: address.host, port: address.port, routes: sets, logger: logger)
            } catch let error as IngestError {
                throw ServiceError(error.code.description, error.reason)
            }
            for set in sets {
                logger.info("\(set is MetricsRoutes ? "metrics" : "status API") listening", metadata: ["http.url": "\(server.url)"])
            }
            services.append(server)
        }
        let alerts = AlertDispatcher(host: host, logger: Logger(label: "breakwater.alerts"), webhook: webhookSender,
                                     metrics: metrics, now: { WallClock.nowMicros() })
        return Observability(alerts: alerts, metrics: metrics, services: services)
    }

    /// Feeds one stored outcome line (raises an alert for `rejected` and `desynchronized`).
    package func outcome(_ line: OutcomeLine) { alerts.handle(line) }

    /// The service group: these services first, `main` last, so that on shutdown (reverse order) the ingest
    /// drains first, then the servers stop and the webhook flushes what the ingest alerted.
    /// `beside` run between the two and end on their own without stopping the group.
    package func services(around main: ServiceGroupConfiguration.ServiceConfiguration,
                  beside: [any Service] = []) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup) }
            + beside.map { .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore) }
            + [main]
    }
}
