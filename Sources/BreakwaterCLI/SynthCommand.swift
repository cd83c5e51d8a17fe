import ArgumentParser
import BreakwaterService
import ATCrypto
import FirehoseSync
import FirehoseSynth
import Foundation

/// `breakwater synth`: a deterministic synthetic recording with expected outcomes (Docs/CONTRACT.md §1–§2).
struct Synth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a deterministic synthetic recording (frames.bin, identities.json, expected.jsonl).",
        discussion: """
            The same options and seed give byte-identical files. Faults are labelled: expected.jsonl states the \
            outcome and reason every event must get. Fault kinds are the outcome reason codes. Quirks are the \
            variations live PDSes send on valid commits (warning codes, see the README): such a commit is labelled \
            verified with its warning.
            """
    )

    @Option(help: ArgumentHelp("Output folder (created if needed; required). Env: BREAKWATER_OUT.", valueName: "dir"))
    var out: String?

    @Option(help: "Number of accounts.")
    var repos: Int = 10

    @Option(help: "Number of #commit frames.")
    var commits: Int = 100

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Curves, comma-separated: k256,p256 (with both, 90% K-256).")
    var curves: String = "k256,p256"

    @Option(help: "Probability that a commit slot carries a labelled fault (0–1).")
    var faults: Double = 0

    @Option(help: "Fault kinds, comma-separated reason codes (default: all).")
    var faultKinds: String?

    @Option(help: "Probability that a valid commit carries a quirk (0–1); 0.2 when --quirk-kinds is given alone.")
    var quirks: Double?

    @Option(help: "Quirk kinds, comma-separated warning codes (default: all).")
    var quirkKinds: String?

    @Option(help: ArgumentHelp("Also write each account's final full-repo CAR into this folder. Env: BREAKWATER_REPOS_DIR.", valueName: "dir"))
    var reposDir: String?

    @Option(help: "Records in the largest starting tree (first account, when there are at least 100 accounts).")
    var largestTree: Int = 100_000

    @Option(help: "Number of PDS hosts (account i lives on pds{i % N}.synth.test).")
    var hosts: Int = 7

    @Option(help: "Inject faults only into accounts on the first N hosts (pds0…); default: every host.")
    var faultHosts: Int?

    @Option(help: ArgumentHelp("Seconds between progress lines on stderr (0: none).", valueName: "seconds"))
    var progress: Double = 5

    func validate() throws {
        guard progress >= 0 else { throw ValidationError("--progress must not be negative") }
        _ = try outFolder()
        guard hosts >= 1 else { throw ValidationError("--hosts must be at least 1") }
        if let faultHosts { guard faultHosts >= 1 else { throw ValidationError("--fault-hosts must be at least 1") } }
        guard repos >= 1 else { throw ValidationError("--repos must be at least 1") }
        guard commits >= 0 else { throw ValidationError("--commits must not be negative") }
        guard (0...1).contains(faults) else { throw ValidationError("--faults must be between 0 and 1") }
        _ = try parsedCurves()
        _ = try parsedFaultKinds()
        if let quirks { guard (0...1).contains(quirks) else { throw ValidationError("--quirks must be between 0 and 1") } }
        _ = try parsedQuirkKinds()
    }

    func parsedQuirkKinds() throws -> [QuirkKind] {
        guard let quirkKinds else { return QuirkKind.allCases }
        return try Self.list(quirkKinds, "quirk kind")
    }

    var quirkRate: Double { quirks ?? (quirkKinds == nil ? 0 : 0.2) }

    /// The output folder: `--out`, else `BREAKWATER_OUT`; a usage error when neither is given.
    func outFolder() throws -> String {
        guard let folder = EnvironmentOption.value(out, env: "BREAKWATER_OUT") else {
            throw UsageError("missing --out <dir> (or BREAKWATER_OUT)")
        }
        return folder
    }

    /// The folder of full-repo CARs: `--repos-dir`, else `BREAKWATER_REPOS_DIR`.
    var reposDirPath: String? { EnvironmentOption.value(reposDir, env: "BREAKWATER_REPOS_DIR") }

    func parsedCurves() throws -> [Curve] {
        try curves.split(separator: ",").map { name in
            guard let curve = Curve(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown curve '\(name)' (k256, p256)")
            }
            return curve
        }
    }

    func parsedFaultKinds() throws -> [FaultKind] {
        guard let faultKinds else { return FaultKind.allCases }
        return try Self.list(faultKinds, "fault kind")
    }

    /// The comma-separated names of `text` as `Kind`s; an unknown name is refused with the known ones.
    static func list<Kind: RawRepresentable & CaseIterable>(_ text: String, _ what: String) throws -> [Kind] where Kind.RawValue == String {
        try text.split(separator: ",").map { name in
            guard let kind = Kind(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown \(what) '\(name)'; known: \(Kind.allCases.map(\.rawValue).joined(separator: ","))")
            }
            return kind
        }
    }

    func run() async throws {
        let out = try outFolder()
        let reposDir = reposDirPath
        var configuration = SynthConfiguration(
            repos: repos, commits: commits, seed: seed, curves: try parsedCurves(), faultRate: faults,
            faultKinds: try parsedFaultKinds(), largestTree: largestTree)
        configuration.hosts = hosts
        configuration.faultHosts = faultHosts
        configuration.quirkRate = quirkRate
        configuration.quirkKinds = try parsedQuirkKinds()
        configuration.keepsRecords = reposDir != nil
        let result = try SynthRecording.write(configuration: configuration, out: out, reposDir: reposDir, progress: progress)
        let count = result.events
        let repoCount = result.repositories
        let seconds = result.seconds
        var line = "synth: \(SummaryReport.grouped(count)) events (\(SummaryReport.grouped(commits)) commits, \(SummaryReport.grouped(repos)) accounts) in \(String(format: "%.2f", seconds)) s"
        line += " (\(String(format: "%.0f", Double(commits) / max(seconds, 1e-9))) commits/s) → \(out)"
        if reposDir != nil { line += "; \(repoCount) repository CARs" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
