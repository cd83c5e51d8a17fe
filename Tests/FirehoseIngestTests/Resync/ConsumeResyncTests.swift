import FirehoseIngest
import FirehosePostgres
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import Testing

/// `breakwater consume` (a real process) against `serve --repos` (the relay server, in process): a chain break
/// is resynced over getRepo and the account returns to synchronized at the repository's head; a `--mirror`
/// account is backfilled and equals the served repository. On a SQLite file and on PostgreSQL (when
/// `BREAKWATER_TEST_POSTGRES` names a server).
@Suite(.timeLimit(.minutes(2))) struct ConsumeResyncTests {
    /// What the test reads back from either database.
    struct Readback {
        let state: any StateStore
        let mirrors: any MirrorStorePort
        let needingResync: () throws -> [String]
    }

    /// A fresh database of `backend` (`sqlite` or `postgres`): its `--db` text, a reader and a clean-up; nil when
    /// PostgreSQL is asked for and no server is named.
    static func database(_ backend: String) throws -> (db: String, open: () throws -> Readback, remove: () -> Void)? {
        if backend == "sqlite" {
            let path = TemporaryDatabase().path
            return (path, {
                let store = try SQLiteStateStore(path: path)
                return Readback(state: store, mirrors: store.mirrors, needingResync: { try store.status.accountsNeedingResync(limit: 10) })
            }, { TemporaryDatabase.remove(path) })
        }
        guard let url = ProcessInfo.processInfo.environment["BREAKWATER_TEST_POSTGRES"], !url.isEmpty else {
            print("note: consumeResyncsChainBreaksAndBackfillsMirrorsFromServe [postgres] skipped: BREAKWATER_TEST_POSTGRES is unset")
            return nil
        }
        let server = try PostgresAddress(parsing: url)
        var address = server
        address.database = "bw_resync_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresAdministration.createDatabase(address.database, on: server)
        return ("postgres://\(address.user)@\(address.host):\(address.port)/\(address.database)", {
            let store = try PostgresStateStore(address: address)
            return Readback(state: store, mirrors: store.mirrors, needingResync: { try store.accountsNeedingResync(limit: 10) })
        }, { try? PostgresAdministration.dropDatabase(address.database, on: server) })
    }

    @Test(arguments: ["sqlite", "postgres"])
    func consumeResyncsChainBreaksAndBackfillsMirrorsFromServe(backend: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsumeSignalTests.binary.path), "build the executable first (swift build)")
        let scenario = try ResyncPipelineTests.Scenario(SynthConfiguration(repos: 5, commits: 160, seed: 3, faultRate: 0.04,
                                                                           faultKinds: [.chainBreak]))
        defer { scenario.cleanUp() }
        let broken = scenario.brokenDIDs
        try #require(!broken.isEmpty)
        let mirrored = try #require(scenario.repositories.keys.sorted().first)
        guard let (database, open, remove) = try Self.database(backend) else { return }
        defer { remove() }
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
        let store = try open()
        let states = try store.state.accounts(Array(broken))
        for did in broken {
            let final = try await scenario.finalRepository(did)
            #expect(states[did]?.sync == .synchronized && states[did]?.rev == final.rev, "\(did)")
        }
        var exported: [UInt8] = []
        _ = try store.mirrors.export(did: mirrored, chunkSize: 1 << 20) { exported.append(contentsOf: $0) }
        #expect(exported == scenario.repositories[mirrored])
        #expect(try store.needingResync().isEmpty)
        print("consume with resyncs [\(backend)]: \(broken.count) chain breaks resynced, mirror backfilled")
    }
}
