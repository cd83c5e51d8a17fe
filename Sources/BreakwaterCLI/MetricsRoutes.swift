import BreakwaterNet
import FirehoseIngest
import Prometheus

/// `GET /metrics` of `consume --metrics HOST:PORT`: the Prometheus text exposition format (0.0.4) of every
/// metric recorded through swift-metrics (names in ``BreakwaterMetricNames``), each with a `# HELP` line
/// (``MetricsHelp``), and `breakwater_build_info{version,commit,toolchain} 1`.
struct MetricsRoutes: HTTPRouteSet {
    let registry: PrometheusCollectorRegistry

    /// Serves `registry`, registering the build info gauge in it.
    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let descriptor = MetricNameDescriptor(metricName: MetricsHelp.buildInfo, unitName: "",
                                              helpText: MetricsHelp.texts[MetricsHelp.buildInfo] ?? "")
        registry.makeGauge(descriptor: descriptor,
                           labels: [("version", BuildInfo.version), ("commit", BuildInfo.commit), ("toolchain", BuildInfo.toolchain)])
            .set(to: 1)
    }

    func serves(_ path: String) -> Bool { path == "/metrics" }

    func reply(to request: HTTPRequestInfo) async -> HTTPReply {
        HTTPReply(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(MetricsHelp.complete(registry.emitToString()).utf8))
    }
}
