import FirehoseIngest
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import Testing

/// `breakwater consume` (a real process) against `serve --repos` (the relay server, in process): a chain break
/// is resynced over getRepo and the account returns to synchronized at the repository's head; a `--mirror`
/// account is backfilled and equals the served repository.
@Suite(.timeLimit(.minutes(1))) struct ConsumeResyncTests {
    @Test func consumeResyncsChainBreaksAndBackfillsMirrorsFromServe() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsumeSignalTests.binary.path), "build the executable first (swift build)")
        let scenario = try ResyncPipelineTests.Scenario(SynthConfiguration(repos: 5, commits: 160, seed: 3, faultRate: 0.04,
                                                                           faultKinds: [.chainBreak]))
        defer { scenario.cleanUp() }
        let broken = scenario.brokenDIDs
        try #require(!broken.isEmpty)
        let mirrored = try #require(scenario.repositories.keys.sorted().first)
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let output = try await LiveTest.withServer(scenario.server(repos: true)) { server in
            let http = server.url.replacingOccurrences(of: "ws://", with: "http://")
            let process = Process()
            process.executableURL = ConsumeSignalTests.binary
            process.arguments = ["consume", "--relay", server.url, "--plc", http, "--identities",
                                 scenario.folder.appendingPathComponent("identities.json").path, "--db", database,
                                 "--workers", "2", "--progress", "0", "--duration", "4", "--mirror", mirrored]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return String(decoding: data, as: UTF8.self)
        }
        #expect(output.contains("resyncs succeeded"))
        let store = try SQLiteStateStore(path: database)
        let states = try store.accounts(Array(broken))
        for did in broken {
            let final = try await scenario.finalRepository(did)
            #expect(states[did]?.sync == .synchronized && states[did]?.rev == final.rev, "\(did)")
        }
        var exported: [UInt8] = []
        _ = try store.mirrors.export(did: mirrored) { exported.append(contentsOf: $0) }
        #expect(exported == scenario.repositories[mirrored])
        #expect(try store.status.accountsNeedingResync(limit: 10).isEmpty)
    }
}
