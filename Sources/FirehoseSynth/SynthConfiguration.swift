public import ATCrypto
public import FirehoseSync

/// Parameters of a synthetic recording (`breakwater synth`).
public struct SynthConfiguration: Sendable {
    /// Number of accounts.
    public var repos: Int
    /// Number of `#commit` frames (faulty ones included).
    public var commits: Int
    /// The seed: the same configuration and seed give byte-identical output.
    public var seed: UInt64
    /// Curves to draw keys from; with both, 90% of accounts get K-256 (as on the network).
    public var curves: [Curve]
    /// Probability that a commit slot carries a fault instead.
    public var faultRate: Double
    /// Which faults to inject (round robin over this list); all by default.
    public var faultKinds: [FaultKind]
    /// The largest starting tree (given to the first account when there are at least 100 accounts).
    public var largestTree: Int
    /// Microseconds since the epoch of the first event.
    public var startMicros: Int64
    /// Number of PDS hosts: account `i` lives on `https://pds{i % hosts}.synth.test`.
    public var hosts: Int = 7
    /// When set, faults are injected only into accounts on the first `faultHosts` hosts (`pds0`…): a fault
    /// slot that picks an account elsewhere carries a normal commit instead. Nil: faults on every host.
    public var faultHosts: Int? = nil
    /// Probability that a valid commit carries a quirk (``quirkKinds``, round robin): verified, with its warning.
    public var quirkRate: Double = 0
    /// Which quirks to put on valid commits; all by default.
    public var quirkKinds: [QuirkKind] = QuirkKind.allCases
    /// Whether every record's bytes are kept for ``SynthGenerator/repositoryCARs()``. Memory then grows with the
    /// records of all accounts; `synth` without `--repos-dir` turns it off.
    public var keepsRecords = true

    /// Creates a configuration.
    public init(repos: Int, commits: Int, seed: UInt64, curves: [Curve] = [.k256, .p256], faultRate: Double = 0,
                faultKinds: [FaultKind] = FaultKind.allCases, largestTree: Int = 100_000,
                startMicros: Int64 = 1_767_225_600_000_000) {  // 2026-01-01T00:00:00Z
        self.repos = max(1, repos)
        self.commits = max(0, commits)
        self.seed = seed
        self.curves = curves.isEmpty ? [.k256] : curves
        self.faultRate = min(1, max(0, faultRate))
        self.faultKinds = faultKinds.isEmpty ? FaultKind.allCases : faultKinds
        self.largestTree = max(0, largestTree)
        self.startMicros = startMicros
    }
}
