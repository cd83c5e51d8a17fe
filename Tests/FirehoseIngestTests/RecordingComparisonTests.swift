import FirehoseAudit
import FirehoseIngest
import FirehoseRelay
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// `audit compare`: a recording against a copy from a "second relay" (its own seq numbering) with
/// events removed, duplicated, reordered and altered, and one seq gap: every difference found, nothing else.
@Suite("audit compare")
struct RecordingComparisonTests {
    struct Edits {
        var removed: ComparedEvent.Reference?
        var duplicated: (did: String, rev: String)?
        var moved: (did: String, revs: Set<String>)?
        var blocksAltered: (did: String, rev: String)?
        var opsAltered: (did: String, rev: String)?
    }

    static func write(_ frames: [[UInt8]], to url: URL) throws {
        var bytes: [UInt8] = []
        for frame in frames { bytes.append(contentsOf: RecordingDecoder.encode(frame: frame)) }
        try Data(bytes).write(to: url)
    }

    static func rev(_ frame: Frame) -> String { frame.revField ?? "" }

    /// Builds A (a clean synth recording) and B (edited, renumbered, one gap of 5 seqs).
    static func makePair(in folder: URL) throws -> Edits {
        var frames: [[UInt8]] = []
        var generator = SynthGenerator(configuration: SynthConfiguration(repos: 6, commits: 80, seed: 77, largestTree: 20)) { event in
            frames.append(event.frame)
        }
        try generator.run()
        try write(frames, to: folder.appendingPathComponent("a.bin"))
        try generator.identitiesJSON().write(to: folder.appendingPathComponent("identities.json"))

        var decoded = try frames.map { try Frame(decoding: $0) }
        let commits = decoded.indices.filter { decoded[$0].shortType == "commit" && (decoded[$0].body["ops"]?.listValue?.count ?? 0) > 0 }
        // Pick an account with at least three commits for the reorder; other edits on other accounts' commits.
        var byAccount: [String: [Int]] = [:]
        for i in commits { byAccount[decoded[i].didField!, default: []].append(i) }
        let moverDID = byAccount.filter { $0.value.count >= 3 }.keys.sorted().first!
        let others = commits.filter { decoded[$0].didField != moverDID }
        var edits = Edits()
        let removeAt = others[2], duplicateAt = others[5], blocksAt = others[8], opsAt = others[11]
        let moveFrom = byAccount[moverDID]![2], moveTo = byAccount[moverDID]![1]
        edits.removed = ComparedEvent.Reference(type: "commit", did: decoded[removeAt].didField!, rev: rev(decoded[removeAt]),
                                                seq: decoded[removeAt].seq, index: removeAt)
        edits.duplicated = (decoded[duplicateAt].didField!, rev(decoded[duplicateAt]))
        edits.moved = (moverDID, [rev(decoded[moveFrom]), rev(decoded[moveTo])])
        edits.blocksAltered = (decoded[blocksAt].didField!, rev(decoded[blocksAt]))
        edits.opsAltered = (decoded[opsAt].didField!, rev(decoded[opsAt]))

        // Altered blocks: the same commit CID, one extra (unreferenced) block in the slice.
        var body = decoded[blocksAt].body
        var reader = try CARReader(bytes: body["blocks"]!.bytesValue!)
        var writer = CARWriter(roots: reader.roots)
        while let block = try reader.nextBlock() { writer.append(cid: block.cid, data: block.data) }
        _ = writer.append(data: DAGCBOR.encode(.map(["extra": .string("block")])))
        body["blocks"] = .bytes(writer.bytes)
        decoded[blocksAt] = Frame(op: decoded[blocksAt].op, type: decoded[blocksAt].type, body: body)
        // Altered ops: the same commit CID, the first op's path changed.
        body = decoded[opsAt].body
        var ops = body["ops"]!.listValue!
        var op = ops[0].mapValue!
        op["path"] = .string("app.bsky.feed.post/altered")
        ops[0] = .map(op)
        body["ops"] = .list(ops)
        decoded[opsAt] = Frame(op: decoded[opsAt].op, type: decoded[opsAt].type, body: body)

        var order = Array(decoded.indices)
        order.remove(at: order.firstIndex(of: moveFrom)!)
        order.insert(moveFrom, at: order.firstIndex(of: moveTo)!)
        order.insert(duplicateAt, at: order.firstIndex(of: duplicateAt)! + 1)
        order.removeAll { $0 == removeAt }
        // Renumber like a second relay, with one gap of 5 seqs halfway.
        var seq: Int64 = 1000
        var b: [[UInt8]] = []
        for (n, i) in order.enumerated() {
            seq += n == order.count / 2 ? 6 : 1
            var body = decoded[i].body
            if body["seq"] != nil { body["seq"] = .int(seq) }
            b.append(Frame(op: decoded[i].op, type: decoded[i].type, body: body).encoded())
        }
        try write(b, to: folder.appendingPathComponent("b.bin"))
        return edits
    }

    @Test(.timeLimit(.minutes(1)))
    func everyInjectedDifferenceIsFoundAndNothingElse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let edits = try Self.makePair(in: folder)
        let result = try RecordingComparison.compare(folder.appendingPathComponent("a.bin").path, folder.appendingPathComponent("b.bin").path)

        #expect(result.missingFromB.map { [$0.did, $0.rev] } == [[edits.removed!.did, edits.removed!.rev]])
        #expect(result.missingFromA.isEmpty)
        #expect(result.a.duplicates.isEmpty)
        #expect(result.b.duplicates.map { [$0.did, $0.rev] } == [[edits.duplicated!.did, edits.duplicated!.rev]])
        #expect(result.reordered.count == 1)
        if let moved = result.reordered.first {
            #expect(moved.b.did == edits.moved!.did)
            #expect(edits.moved!.revs.contains(moved.b.rev ?? ""))
        }
        let differing = Dictionary(uniqueKeysWithValues: result.differing.map { ("\($0.b.did) \($0.b.rev ?? "")", $0.fields) })
        #expect(differing == [
            "\(edits.blocksAltered!.did) \(edits.blocksAltered!.rev)": ["blocks"],
            "\(edits.opsAltered!.did) \(edits.opsAltered!.rev)": ["ops"],
        ])
        #expect(result.a.gaps.isEmpty && result.a.regressions.isEmpty)
        #expect(result.b.gaps.map(\.missing) == [5])
        #expect(result.b.regressions.isEmpty)
        #expect(result.matched == result.a.events - 1)
        #expect(!result.isEquivalent)

        // A recording against itself: equivalent, nothing reported.
        let same = try RecordingComparison.compare(folder.appendingPathComponent("a.bin").path, folder.appendingPathComponent("a.bin").path)
        #expect(same.isEquivalent)
        #expect(same.matched == same.a.events && same.b.gaps.isEmpty && same.differing.isEmpty && same.reordered.isEmpty)

        // The command reports the same counts as JSON.
        let run = try BreakwaterBinary.run(["audit", "compare", folder.appendingPathComponent("a.bin").path,
                                            folder.appendingPathComponent("b.bin").path, "--json"])
        try #require(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        let summary = object["summary"] as? [String: Int] ?? [:]
        #expect(summary == [
            "matched": result.matched, "missingFromA": 0, "missingFromB": 1, "duplicatesInA": 0, "duplicatesInB": 1,
            "reordered": 1, "differing": 2, "seqGapsInA": 0, "seqGapsInB": 1, "seqRegressionsInA": 0, "seqRegressionsInB": 0,
        ])
        let text = try BreakwaterBinary.run(["audit", "compare", folder.appendingPathComponent("a.bin").path,
                                             folder.appendingPathComponent("b.bin").path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("the recordings differ"))
    }

    /// `consume --relay A --relay B`: the same pair served by two relays on 127.0.0.1, compared live. Every
    /// injected difference raises one relay-divergence alert on B (log line and webhook), and nothing on A.
    @Test(.timeLimit(.minutes(2)))
    func consumeWithTwoRelaysAlertsEveryInjectedDifference() async throws {
        try #require(BreakwaterBinary.url != nil, "build the executable first (swift build)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-compare-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let edits = try Self.makePair(in: folder)
        let stderr = folder.appendingPathComponent("stderr")
        let a = RelayServerConfiguration(recording: RecordingLocation(path: folder.appendingPathComponent("a.bin").path))
        let b = RelayServerConfiguration(recording: RecordingLocation(path: folder.appendingPathComponent("b.bin").path))
        let (run, requests, secondURL) = try await LiveTest.withServer(a) { relayA in
            try await LiveTest.withServer(b) { relayB in
                try await WebhookReceiver.with { receiver in
                    // Both relays send everything at once; the window leaves time for A's frames, which wait for
                    // verification, and the duration lets the removed event's window expire.
                    let process = try BreakwaterBinary.start([
                        "consume", "--relay", relayA.url, "--relay", relayB.url, "--compare-window", "10", "--duration", "20",
                        "--identities", folder.appendingPathComponent("identities.json").path,
                        "--db", folder.appendingPathComponent("db.sqlite").path, "--progress", "0", "--max-retries", "3",
                        "--webhook", receiver.url, "--log-format", "json",
                    ], stdout: folder.appendingPathComponent("stdout"), stderr: stderr)
                    return (try await Observe.wait(process, seconds: 60), receiver.requests, relayB.url)
                }
            }
        }
        let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        #expect(run == 0, "consume failed: \(log)")
        let alerts = Observe.logLines(stderr).filter { $0["alert.category"] as? String == "relay-divergence" }
        func described(_ alert: [String: Any], prefix: String) -> String {
            [prefix + "divergence", prefix + "did", prefix + "rev"].map { alert[$0] as? String ?? "-" }.joined(separator: " ")
        }
        let expected: Set<String> = [
            "missing \(edits.removed!.did) \(edits.removed!.rev ?? "-")",
            "duplicate \(edits.duplicated!.did) \(edits.duplicated!.rev)",
            "differs \(edits.blocksAltered!.did) \(edits.blocksAltered!.rev)",
            "differs \(edits.opsAltered!.did) \(edits.opsAltered!.rev)",
        ]
        let logged = alerts.map { described($0, prefix: "alert.") }
        #expect(alerts.count == 6, "\(logged)")
        #expect(expected.isSubset(of: Set(logged)), "\(logged)")
        #expect(alerts.filter { $0["alert.divergence"] as? String == "seq-gap" }.count == 1)
        let reordered = alerts.filter { $0["alert.divergence"] as? String == "reordered" }
        #expect(reordered.count == 1)
        #expect(reordered.first?["alert.did"] as? String == edits.moved!.did)
        #expect(edits.moved!.revs.contains(reordered.first?["alert.rev"] as? String ?? ""))
        let port = String(secondURL.split(separator: ":").last ?? "")
        #expect(alerts.allSatisfy { ($0["alert.host"] as? String)?.contains(":\(port)") == true && $0["message"] as? String == "relay divergence" })
        // The webhook got the same alerts, with their category and kind.
        let delivered = requests.filter { $0.status == 200 }.flatMap(\.alerts).filter { $0["alert"] as? String == "relay-divergence" }
        #expect(Set(delivered.map { described($0, prefix: "") }) == Set(logged))
        #expect(delivered.allSatisfy { $0["outcome"] is NSNull })
        // The summary: one column per relay.
        let stdout = (try? String(contentsOf: folder.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
        #expect(stdout.contains("relay comparison\n"), "\(stdout)")
        let row = stdout.split(separator: "\n").first { $0.hasPrefix("missing (lacked by this relay)") }
        #expect(row?.split(separator: " ").suffix(2) == ["0", "1"], "\(stdout)")
    }
}

/// `audit compare X X`: a recording compared with itself is the same, even when it repeats
/// some events within itself; a repeat only one recording makes is still a difference.
@Suite("audit compare of a recording with itself")
struct RecordingSelfComparisonTests {
    @Test func aRecordingWithItsOwnDuplicatesIsTheSameAsItself() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-self-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var frames: [[UInt8]] = []
        var generator = SynthGenerator(configuration: SynthConfiguration(repos: 4, commits: 40, seed: 5, largestTree: 20)) { event in
            frames.append(event.frame)
        }
        try generator.run()
        let x = folder.appendingPathComponent("x.bin"), clean = folder.appendingPathComponent("clean.bin")
        try RecordingComparisonTests.write(frames, to: clean)
        try RecordingComparisonTests.write(frames + [frames[10], frames[20]], to: x)

        let itself = try RecordingComparison.compare(x.path, x.path)
        #expect(itself.isEquivalent)
        #expect(itself.a.duplicates.count == 2 && itself.b.duplicates.count == 2)
        let oneSided = try RecordingComparison.compare(clean.path, x.path)
        #expect(!oneSided.isEquivalent)

        let text = try BreakwaterBinary.run(["audit", "compare", x.path, x.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("the recordings are the same"), "\(text.stdout)")
    }
}
