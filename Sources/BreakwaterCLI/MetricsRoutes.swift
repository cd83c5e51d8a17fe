import FirehoseIngest
import Prometheus

/// `GET /metrics` of `consume --metrics HOST:PORT`: the Prometheus text exposition format (0.0.4) of every
/// metric recorded through swift-metrics (names in ``BreakwaterMetricNames``).
struct MetricsRoutes: HTTPRouteSet {
    let registry: PrometheusCollectorRegistry

    func serves(_ path: String) -> Bool { path == "/metrics" }

    func reply(to request: HTTPRequestInfo) async -> HTTPReply {
        HTTPReply(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
    }
}
