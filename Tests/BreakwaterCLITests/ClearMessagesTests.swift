import FirehoseTesting
import Foundation
import Testing

/// Clear messages, one style: network failures as one plain sentence,
/// one code per error, negative numbers as `bad-option`, usage for a bare or unknown command, one capitalisation.
@Suite("clear messages", .serialized, .timeLimit(.minutes(3)))
struct ClearMessagesTests {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The bundled demo recording.
    static var demo: URL { Vectors.projectRoot.appendingPathComponent("Replays/demo") }

    /// Runs `breakwater serve FOLDER --port 0 …` for the duration of `body`, passing its `HOST:PORT`.
    static func withServer<T>(_ folder: URL, _ extra: [String] = [], _ body: (String) async throws -> T) async throws -> T {
        let scratch = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("serve.out")
        let process = try BreakwaterBinary.start(["serve", folder.path, "--port", "0"] + extra, stdout: out)
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        for _ in 0..<400 {
            if let text = try? String(contentsOf: out, encoding: .utf8), let line = text.split(separator: "\n").first,
               line.hasPrefix("listening on ws://") {
                return try await body(String(line.dropFirst("listening on ws://".count)))
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw Failure(description: "serve did not start")
    }

    @Test func aTLSHandshakeWithAPlainServerIsOnePlainSentence() async throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await Self.withServer(Self.demo) { address in
            try BreakwaterBinary.run(["consume", "--relay", "wss://\(address)", "--sni", "localhost", "--max-retries", "1",
                                      "--db", folder.appendingPathComponent("db.sqlite").path, "--progress", "0"])
        }
        #expect(result.status == 1, "\(result.stderr)")
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("error: upstream-unreachable: "), "\(result.stderr)")
        #expect(last.contains("TLS handshake failed: the server does not speak TLS (use ws://?)"), "\(result.stderr)")
        #expect(!result.stderr.contains("NIOSSL"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "no all-zero summary before the error: \(result.stdout)")
        #expect(!result.stderr.contains(".build"), "\(result.stderr)")
        // The delay before the retry is rounded: `relay.delay=0.7 s`, not sixteen digits.
        #expect(result.stderr.range(of: #"relay\.delay=\d+\.\d s"#, options: .regularExpression) != nil, "\(result.stderr)")
    }

    @Test("a negative number is a bad option, refused before any file is created",
          arguments: [["consume", "--max-events", "-5"], ["consume", "--duration", "-1"], ["record", "--max-events", "-5"],
                      ["replay", "REPLAY", "--workers", "-2"]])
    func aNegativeNumberIsABadOption(_ arguments: [String]) throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite")
        var full = arguments.map { $0 == "REPLAY" ? Self.demo.path : $0 } + ["--db", database.path]
        if arguments.first == "record" { full = arguments + ["--out", folder.appendingPathComponent("rec").path] }
        let result = try BreakwaterBinary.run(full)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: bad-option: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database.path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("rec").path))
    }

    @Test func aBareBreakwaterGivesTheUsageWithExitTwo() throws {
        let result = try BreakwaterBinary.run([])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: breakwater"), "\(result.stderr)")
    }

    @Test func anUnknownSubcommandIsNamedInTheUsageError() throws {
        let result = try BreakwaterBinary.run(["nosuch"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: unknown command 'nosuch'"), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: breakwater"), "\(result.stderr)")
    }

    @Test("errors are written with one capitalisation", arguments: [["replay"], ["replay", "x", "--no-such-flag"], ["nosuch"], []])
    func errorsHaveOneCapitalisation(_ arguments: [String]) throws {
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.contains("Error: "), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
    }

    @Test func statusOfSomethingThatIsNotADIDIsABadOption() throws {
        let result = try BreakwaterBinary.run(["status", "--did", "notadid", "--db", "/nonexistent/db.sqlite"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: bad-option: "), "\(result.stderr)")
    }

    @Test func statusOfAnUnknownDIDExitsNonZero() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let replay = try BreakwaterBinary.run(["replay", Self.demo.path, "--db", database])
        try #require(replay.status == 0, "\(replay.stderr)")
        let text = try BreakwaterBinary.run(["status", "--did", "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "--db", database])
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stderr.hasPrefix("error: unknown-did: "), "\(text.stderr)")
        let json = try BreakwaterBinary.run(["status", "--did", "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "--db", database, "--json"])
        #expect(json.status == 1, "\(json.stderr)")
        #expect(json.stdout.contains("\"state\""), "\(json.stdout)")
    }

    /// The help text of `option` in `command --help`: from its line to the next option's.
    static func optionHelp(_ command: [String], _ option: String) throws -> String {
        let help = try BreakwaterBinary.run(command + ["--help"]).stdout
        guard let start = help.range(of: "  \(option) ") else { return "" }
        let rest = help[start.upperBound...]
        let end = rest.range(of: "\n  -")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test("help shows each default once", arguments: [["consume"], ["replay"]])
    func helpShowsEachDefaultOnce(_ command: [String]) throws {
        let workers = try Self.optionHelp(command, "--workers")
        #expect(workers.contains("the number of cores"), "\(workers)")
        // Not also ArgumentParser's "(default: 2)", this machine's core count.
        #expect(workers.range(of: #"\(default: \d"#, options: .regularExpression) == nil, "\(workers)")
    }

    @Test func helpIsSpecificToEachCommand() throws {
        let host = try Self.optionHelp(["serve"], "--host")
        #expect(host.contains("127.0.0.1"), "\(host)")
        let relay = try Self.optionHelp(["record"], "--relay")
        #expect(relay.contains("BREAKWATER_RELAY"), "\(relay)")
        #expect(!relay.contains("consume"), "\(relay)")
        let plc = try Self.optionHelp(["mirror", "blobs"], "--plc")
        #expect(plc.contains("BREAKWATER_PLC"), "\(plc)")
        #expect(!plc.contains("import"), "\(plc)")
        let signature = try BreakwaterBinary.run(["inspect", "signature", "--help"]).stdout
        #expect(signature.contains("required"), "\(signature)")
    }
}
