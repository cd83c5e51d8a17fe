import FirehoseTesting
import Foundation
import Testing

/// Whether `tc netem` can shape a loopback interface in a new network namespace here, found once; nil when it can.
enum Netem {
    static let unavailableReason: String? = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["-n", "sh", "-c", "ip link set lo up && tc qdisc add dev lo root netem delay 1ms"]
        let errors = Pipe()
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = errors
        do { try probe.run() } catch { return "the tc netem variant is skipped: cannot run unshare (\(error))" }
        probe.waitUntilExit()
        guard probe.terminationStatus != 0 else { return nil }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if said.contains("qdisc kind is unknown") {
            return "the tc netem variant is skipped: this kernel lacks tc netem (sch_netem; tc says \"\(said)\")"
        }
        return "the tc netem variant is skipped: cannot shape loopback in a network namespace (\(said))"
    }()
}

/// The fault-mix check with the kernel's own faults: `serve` and `consume` in a new network namespace
/// whose loopback has `tc netem` delay, loss and reordering. Skipped, saying why, where the kernel lacks netem.
@Suite("Fault mixes under tc netem", .timeLimit(.minutes(3)))
struct NetemTests {
    @Test(.enabled(if: Netem.unavailableReason == nil, "\(Netem.unavailableReason ?? "")"))
    func everySeqIsProcessedExactlyOnceUnderNetemDelayLossAndReorder() async throws {
        let recording = try FaultMixRecording.shared.get()
        let binary = try #require(BreakwaterBinary.url).path
        let folder = BreakwaterProcess.temporaryFile("netem")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("state.sqlite").path
        let events = folder.appendingPathComponent("events.jsonl")
        // One shell in the namespace: shape lo, serve on a fixed port (the namespace is empty), consume through it.
        let script = """
            set -e
            ip link set lo up
            tc qdisc add dev lo root netem delay 4ms 2ms loss 1% reorder 5% 50%
            '\(binary)' serve '\(recording.folder.path)' --port 2470 > '\(folder.path)/serve.out' 2>/dev/null &
            for i in $(seq 200); do grep -q listening '\(folder.path)/serve.out' 2>/dev/null && break; sleep 0.05; done
            status=0
            '\(binary)' consume --relay ws://127.0.0.1:2470 --plc http://127.0.0.1:2470 --identities '\(recording.identities)' \\
                --db '\(database)' --events '\(events.path)' --max-events \(recording.frames) --workers 2 --progress 0 \\
                --read-timeout 5 --max-retries 20 --resync-concurrency 0 2>'\(folder.path)/consume.err' || status=$?
            kill %1 || true
            exit $status
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        shell.arguments = ["-n", "sh", "-c", script]
        try shell.run()
        let status = try await BreakwaterProcess.wait(shell, seconds: 170)
        let log = (try? String(contentsOf: folder.appendingPathComponent("consume.err"), encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log.suffix(2_000))")
        let expected = try ExpectedOutcomes.load(recording.expected)
        let got = try ExpectedOutcomes.load(events)
        #expect(got.map(\.index) == Array(0..<got.count), "no gap, no duplicate")
        #expect(got.map(\.description) == expected.map(\.description))
        #expect(try BreakwaterProcess.accounts(database: database, identities: recording.identities)
                == BreakwaterProcess.accounts(database: recording.replayed, identities: recording.identities))
    }
}
