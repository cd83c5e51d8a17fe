package import BreakwaterNet
import FirehoseIngest
package import Prometheus

/// `GET /metrics` of `consume --metrics HOST:PORT`: the Prometheus text exposition format (0.0.4) of every
/// metric recorded through swift-metrics (names in ``BreakwaterMetricNames``), each with a `# HELP` line
/// (``MetricsHelp``), and `breakwater_build_info{version,commit,toolchain} 1`.
package struct MetricsRoutes: HTTPRouteSet {
    package let registry: PrometheusCollectorRegistry

    /// Serves `registry`, registering the build info gauge (of `build`) in it.
    package init(registry: PrometheusCollectorRegistry, build: BuildDescription) {
        self.registry = registry
        let descriptor = MetricNameDescriptor(metricName: MetricsHelp.buildInfo, unitName: "",
                                              helpText: MetricsHelp.texts[MetricsHelp.buildInfo] ?? "")
        registry.makeGauge(descriptor: descriptor,
                           labels: [("version", build.version), ("commit", build.commit), ("toolchain", build.toolchain)])
            .set(to: 1)
    }

    package func serves(_ path: String) -> Bool { path == "/metrics" }

    package func reply(to request: HTTPRequestInfo) async -> HTTPReply {
        HTTPReply(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(MetricsHelp.complete(registry.emitToString()).utf8))
    }
}
