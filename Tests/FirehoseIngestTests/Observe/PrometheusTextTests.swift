import Testing

/// The test-side Prometheus text reader refuses what the exposition format forbids (so `/metrics` checks can fail).
@Suite("Prometheus text reader")
struct PrometheusTextTests {
    @Test func aWellFormedExpositionIsRead() throws {
        let text = """
            # HELP requests_total Requests.
            # TYPE requests_total counter
            requests_total{path="/a",code="200"} 3
            requests_total{path="/b\\"q\\\\",code="500"} 1.5e1
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.1"} 1
            latency_seconds_bucket{le="1.0"} 4
            latency_seconds_bucket{le="+Inf"} 5
            latency_seconds_sum 2.5
            latency_seconds_count 5
            up 1 1700000000000

            """
        let parsed = try PrometheusText(text)
        #expect(parsed.types == ["requests_total": "counter", "latency_seconds": "histogram"])
        #expect(parsed.value("requests_total", ["path": "/b\"q\\", "code": "500"]) == 15)
        #expect(parsed.sum("requests_total") == 18)
        #expect(parsed.value("latency_seconds_count") == 5)
        #expect(parsed.value("up") == 1)
    }

    @Test(arguments: [
        "bad-name 1",
        "m{a=\"1\" 1",
        "m{a=1} 1",
        "m{1a=\"x\"} 1",
        "m{a=\"\\x\"} 1",
        "m{a=\"1\",a=\"2\"} 1",
        "m one",
        "m 1 2 3",
        "# TYPE m counter\n# TYPE m counter\nm 1",
        "# TYPE m widget\nm 1",
        "m 1\n# TYPE m counter",
        "a 1\nb 1\na 2",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2",
    ])
    func malformedExpositionsAreRefused(_ text: String) {
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText(text) }
    }
}
