import FirehoseTesting
import Foundation
import Testing

/// Exit statuses of parse errors (Docs/CONTRACT.md §1): a bad option value is an operational error (exit 1, one line
/// `error: bad-option: …`), a usage error exits 2 with the usage text, `--help` and `--version` exit 0.
@Suite("exit statuses of parse errors")
struct ExitStatusTests {
    /// The audit's examples: values that do not parse, and values a `validate()` refuses. FILE does not exist, so
    /// each would fail differently if the value were accepted.
    static let badValues: [[String]] = [
        ["replay", "/nonexistent/recording", "--policy", "foo"],
        ["replay", "/nonexistent/recording", "--workers", "abc"],
        ["replay", "/nonexistent/recording", "--workers", "0"],
        ["replay", "/nonexistent/recording", "--pace", "slow"],
        ["synth", "--out", "/nonexistent/out", "--faults", "2"],
        ["synth", "--out", "/nonexistent/out", "--curves", "foo"],
        ["synth", "--out", "/nonexistent/out", "--fault-kinds", "bogus"],
        ["synth", "--out", "/nonexistent/out", "--repos", "0"],
        ["mirror", "records", "did:plc:abc", "--limit", "0", "--db", "/nonexistent/db.sqlite"],
        ["mirror", "import", "not-a-did", "/nonexistent/repo.car", "--db", "/nonexistent/db.sqlite"],
        // Refused by run() rather than validate(): still a bad value.
        ["mirror", "get", "not-a-uri", "--db", "/nonexistent/db.sqlite"],
    ]

    @Test("a bad option value exits 1 with one line error: bad-option", arguments: badValues)
    func aBadOptionValueIsAnOperationalErrorOnOneLine(_ arguments: [String]) throws {
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: bad-option: "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("\n"))
        #expect(result.stdout.isEmpty)
    }

    /// Unknown subcommand or option, missing argument, missing option value, extra argument, a required option that
    /// neither the command line nor the environment gives, options that go together.
    static let usageErrors: [[String]] = [
        ["nosuchcommand"],
        ["replay", "--no-such-flag", "x"],
        ["replay"],
        ["replay", "x", "--policy"],
        ["replay", "x", "y"],
        ["synth"],
        ["serve", "x", "--tls-cert", "cert.pem"],
    ]

    @Test("a usage error exits 2 with the usage text", arguments: usageErrors)
    func aUsageErrorExitsWithTwoAndTheUsage(_ arguments: [String]) throws {
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: breakwater"), "\(result.stderr)")
    }

    @Test("help and version exit 0, even beside a bad value",
          arguments: [["--help"], ["--version"], ["replay", "--help"], ["mirror", "import", "--help"], ["replay", "x", "--workers", "0", "--help"]])
    func helpAndVersionExitZero(_ arguments: [String]) throws {
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }
}
