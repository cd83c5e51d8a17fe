import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// Real frames sent with the variations live PDSes emit today, none of which touches a signed byte or the proof: every
/// commit that verified before still verifies, now with its conformance warning (Docs/CONTRACT.md §3 step 2, §4).
@Suite("Real traffic with today's variations")
struct RealTrafficVariationTests {
    /// Real Sync 1.1 recordings: indigo's relay test frames (bsky.network, morel PDS) and two independent PDSes.
    static let recordings = ["indigo-post-lifecycle", "peer-arroba", "peer-millipds"]

    /// A variation: what it does to an event body of one type, and the warning it earns (nil: not for this type).
    struct Variation: Sendable, CustomStringConvertible {
        var warning: ConformanceWarning
        var apply: @Sendable (_ type: String, _ body: inout [String: IPLDValue]) -> Bool
        var description: String { warning.rawValue }
    }

    static let variations: [Variation] = [
        Variation(warning: .sinceEmpty) { type, body in
            guard type == "#commit" else { return false }
            body["since"] = .string("")
            return true
        },
        Variation(warning: .timeNonstandard) { _, body in
            // Without its timezone (2026-07-04T14:38:07.546, as a PDS sent it in July 2026).
            guard case .string(let time)? = body["time"] else { return false }
            if time.hasSuffix("Z") {
                body["time"] = .string(String(time.dropLast()))
            } else if time.count > 6, let sign = time.dropLast(5).last, sign == "+" || sign == "-" {
                body["time"] = .string(String(time.dropLast(6)))
            } else {
                return false
            }
            return true
        },
        Variation(warning: .timeMissing) { _, body in
            guard body["time"] != nil else { return false }
            body["time"] = nil
            return true
        },
        Variation(warning: .blobsAbsent) { type, body in
            guard type == "#commit" else { return false }
            body["blobs"] = nil
            return true
        },
        Variation(warning: .rebaseAbsent) { type, body in
            guard type == "#commit" else { return false }
            body["rebase"] = nil
            return true
        },
        Variation(warning: .tooBigAbsent) { type, body in
            guard type == "#commit" else { return false }
            body["tooBig"] = nil
            return true
        },
    ]

    /// Copies a recording with each frame rewritten by `rewrite` (nil: unchanged); returns the folder and the indexes
    /// of the frames rewritten.
    static func rewritten(_ name: String, _ rewrite: (Frame) -> Frame?) throws -> (folder: URL, changed: Set<Int>) {
        let source = Vectors.projectRoot.appendingPathComponent("Replays/\(name)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-variation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source.appendingPathComponent("identities.json"), to: folder.appendingPathComponent("identities.json"))
        var decoder = RecordingDecoder()
        decoder.append([UInt8](try Data(contentsOf: source.appendingPathComponent("frames.bin"))))
        var out: [UInt8] = []
        var changed = Set<Int>()
        var index = 0
        while let bytes = try decoder.next() {
            if let frame = try? Frame(decoding: bytes), let replaced = rewrite(frame) {
                out += RecordingDecoder.encode(frame: replaced.encoded())
                changed.insert(index)
            } else {
                out += RecordingDecoder.encode(frame: bytes)
            }
            index += 1
        }
        try Data(out).write(to: folder.appendingPathComponent("frames.bin"))
        return (folder, changed)
    }

    static func expected(_ name: String) throws -> [ExpectedOutcome] {
        try ExpectedOutcomes.load(Vectors.projectRoot.appendingPathComponent("Replays/\(name)/expected.jsonl"))
    }

    @Test("each variation on real frames verifies with its warning", arguments: recordings, 0..<variations.count)
    func eachVariationOnRealFramesVerifiesWithItsWarning(recording: String, variationIndex: Int) async throws {
        let variation = Self.variations[variationIndex]
        let (folder, changed) = try Self.rewritten(recording) { frame in
            var body = frame.body
            guard let type = frame.type, variation.apply(type, &body) else { return nil }
            return Frame(op: frame.op, type: type, body: body)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let policy = try ExpectedOutcomes.policy(Vectors.projectRoot.appendingPathComponent("Replays/\(recording)"))
        let lines = try await ReplayHarness.replay(folder: folder, policy: policy, workers: 2)
        let expected = try Self.expected(recording)
        #expect(lines.count == expected.count)
        var warned = 0
        for (line, want) in zip(lines, expected) {
            var want = want
            if changed.contains(line.index) && (want.outcome == "verified" || want.outcome == "applied") {
                want.warnings = [variation.warning.rawValue]
                warned += 1
            }
            #expect(want.matches(line), "\(recording) \(variation): got \(line.json), expected \(want)")
        }
        print("real frames: \(recording) with \(variation): \(changed.count) frames changed, \(warned) verified or applied with the warning")
        #expect(warned > 0)
    }

    /// An update written as delete + create of one path (a PDS did this in Oct 2026 for `…actor.status/self`), the create
    /// with the delete's `prev` or without one: the composed update is checked forward and inverted, and verifies.
    @Test(arguments: recordings, [true, false])
    func anUpdateWrittenAsDeleteAndCreateVerifiesWithItsWarning(recording: String, createCarriesPrev: Bool) async throws {
        let (folder, changed) = try Self.rewritten(recording) { frame in
            guard frame.type == "#commit", case .list(let ops)? = frame.body["ops"] else { return nil }
            var rewritten: [IPLDValue] = []
            var any = false
            for op in ops {
                guard case .map(let map) = op, map["action"] == .string("update"), case .link(let prev)? = map["prev"] else {
                    rewritten.append(op)
                    continue
                }
                var delete = map
                delete["action"] = .string("delete")
                delete["cid"] = .null
                var create = map
                create["action"] = .string("create")
                create["prev"] = createCarriesPrev ? .link(prev) : nil
                rewritten += [.map(delete), .map(create)]
                any = true
            }
            guard any else { return nil }
            var body = frame.body
            body["ops"] = .list(rewritten)
            return Frame(op: frame.op, type: frame.type, body: body)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        guard !changed.isEmpty else {
            print("real frames: \(recording) has no update op")
            return
        }
        let policy = try ExpectedOutcomes.policy(Vectors.projectRoot.appendingPathComponent("Replays/\(recording)"))
        let lines = try await ReplayHarness.replay(folder: folder, policy: policy, workers: 2)
        let expected = try Self.expected(recording)
        #expect(lines.count == expected.count)
        for (line, want) in zip(lines, expected) {
            var want = want
            if changed.contains(line.index) && want.outcome == "verified" { want.warnings = ["delete-create-same-path"] }
            #expect(want.matches(line), "\(recording): got \(line.json), expected \(want)")
        }
        print("real frames: \(recording): \(changed.count) updates written as delete + create (create prev: \(createCarriesPrev)) verified")
    }
}

/// `consume` gives the quirky commits the same verdicts and warnings as `replay`, and `status` and `audit report`
/// say which host sent which deviation, how often.
@Suite("Conformance warnings live")
struct ConformanceWarningsLiveTests {
    @Test func consumingTheQuirksScenarioLiveGivesItsWarningsAndTheirCountsPerHost() async throws {
        let folder = Vectors.projectRoot.appendingPathComponent("Replays/rule-quirks")
        let database = TemporaryDatabase().path
        let events = BreakwaterProcess.temporaryFile("events")
        defer {
            TemporaryDatabase.remove(database)
            try? FileManager.default.removeItem(at: events)
        }
        let expected = try ExpectedOutcomes.load(folder.appendingPathComponent("expected.jsonl"))
        let server = try await BreakwaterProcess.serve(folder)
        defer { server.stop() }
        let stderr = BreakwaterProcess.temporaryFile("stderr")
        defer { try? FileManager.default.removeItem(at: stderr) }
        let consume = try BreakwaterBinary.start([
            "consume", "--relay", server.url, "--plc", server.plc, "--identities", folder.appendingPathComponent("identities.json").path,
            "--db", database, "--events", events.path, "--progress", "0", "--resync-concurrency", "0",
            "--metrics", "127.0.0.1:0", "--log-format", "json",
        ], stderr: stderr)
        defer { if consume.isRunning { consume.terminate() } }
        // breakwater_warnings_total{kind} counts the stored warnings; read it once the whole recording is stored.
        let metricsURL = try await Observe.listeningURL(stderr, message: "metrics listening", process: consume)
        let lastSeq = try #require(expected.compactMap(\.seq).max())
        var metrics = try PrometheusText(try await Observe.request(metricsURL + "/metrics").text)
        for _ in 0..<600 where metrics.value(BreakwaterMetricNames.cursor) != Double(lastSeq) {
            try await Task.sleep(for: .milliseconds(100))
            metrics = try PrometheusText(try await Observe.request(metricsURL + "/metrics").text)
        }
        var perKind: [String: Int] = [:]
        for line in expected { for warning in line.warnings { perKind[warning, default: 0] += 1 } }
        #expect(perKind.count == ConformanceWarning.allCases.count)
        for (kind, n) in perKind {
            #expect(metrics.value(BreakwaterMetricNames.warnings, ["kind": kind]) == Double(n), "\(kind)")
        }
        kill(consume.processIdentifier, SIGTERM)
        #expect(try await Observe.wait(consume, seconds: 20) == 0)
        let got = try ExpectedOutcomes.load(events)
        #expect(got.map(\.description) == expected.map(\.description))

        // Expected counts per (host, warning), from expected.jsonl and the hosts in identities.json.
        let identities = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("identities.json"))) as? [String: Any] ?? [:]
        var want: [String: [String: Int]] = [:]
        for line in expected where !line.warnings.isEmpty {
            let entry = identities[line.did ?? ""] as? [String: Any]
            let host = (entry?["pds"] as? String).flatMap(EventReceipt.hostLabel(ofEndpoint:)) ?? "unknown"
            for warning in line.warnings { want[host, default: [:]][warning, default: 0] += 1 }
        }
        let audit = try BreakwaterBinary.run(["audit", "report", "--db", database, "--json"])
        #expect(audit.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any] ?? [:]
        var reported: [String: [String: Int]] = [:]
        for host in report["hosts"] as? [[String: Any]] ?? [] {
            if let warnings = host["warnings"] as? [String: Int], !warnings.isEmpty, let name = host["host"] as? String {
                reported[name] = warnings
            }
        }
        #expect(reported == want)
        let html = BreakwaterProcess.temporaryFile("report.html")
        defer { try? FileManager.default.removeItem(at: html) }
        #expect(try BreakwaterBinary.run(["audit", "report", "--db", database, "--html", html.path]).status == 0)
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("id=\"warnings\""))
        for kind in Set(want.values.flatMap(\.keys)) { #expect(page.contains("<code>\(kind)</code>"), "\(kind) not in the HTML report") }
        let status = try BreakwaterBinary.run(["status", "--db", database])
        #expect(status.stdout.contains("conformance warnings"))
        for (host, counts) in want {
            for (warning, n) in counts {
                #expect(status.stdout.split(separator: "\n").contains { $0.contains(host) && $0.contains(warning) && $0.hasSuffix(" \(n)") },
                        "status lacks \(host) \(warning) \(n)")
            }
        }
    }
}
