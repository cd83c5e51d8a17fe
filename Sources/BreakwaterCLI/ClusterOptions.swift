import ArgumentParser
import BreakwaterService
import FirehoseSync

/// `consume`'s partition and standby options (Docs/CONTRACT.md §6).
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Verify only the accounts of partition K of N; other frames are skipped.", valueName: "K/N")) var partition: String?
    @Flag(help: "Wait for the lease of this relay and partition, then run (PostgreSQL only).") var standby = false
    @Option(help: ArgumentHelp("How long a lease lives without renewal (e.g. 10s, 500ms).", valueName: "duration")) var leaseTtl = "10s"
    /// `--partition` (the whole run without it); `--lease-ttl` in microseconds.
    var value: Partition { partition.flatMap(Partition.init(parsing:)) ?? .whole }
    var ttlMicros: Int64 { LeaseStart.ttlMicros(parsing: leaseTtl) ?? LeaseStart.defaultTTLMicros }
    func validate() throws {
        try Self.check(partition)
        if LeaseStart.ttlMicros(parsing: leaseTtl) == nil { throw ValidationError("--lease-ttl must be between 100ms and 1h") }
    }
    /// Refuses a `--partition` that is not K/N with 0 ≤ K < N ≤ 1024.
    static func check(_ partition: String?) throws {
        if let partition, Partition(parsing: partition) == nil { throw ValidationError("--partition must be K/N with 0 ≤ K < N ≤ 1024") }
    }
}
