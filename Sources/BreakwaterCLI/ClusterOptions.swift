import ArgumentParser
import BreakwaterService
import FirehoseSync

/// `--partition K/N`: one partition of the accounts (Docs/CONTRACT.md, "Partitions").
struct PartitionOption: ExpressibleByArgument, Sendable {
    let value: Partition
    init?(argument: String) {
        guard let partition = Partition(parsing: argument) else { return nil }
        value = partition
    }
}

/// `consume`'s partition and standby options (Docs/CONTRACT.md, "Partitions" and "Standby").
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Verify only the accounts of partition K of N (0 ≤ K < N ≤ 1024); other frames are skipped.", valueName: "K/N"))
    var partition: PartitionOption?

    @Flag(help: "Wait for the lease of this relay and partition, then run (PostgreSQL only).")
    var standby = false

    @Option(help: ArgumentHelp("How long a lease lives without renewal (e.g. 10s, 500ms); renewed every third of it.", valueName: "duration"))
    var leaseTtl: String = "10s"

    /// The partition (the whole run without `--partition`).
    var value: Partition { partition?.value ?? .whole }

    func validate() throws {
        guard LeaseStart.ttlMicros(parsing: leaseTtl) != nil else { throw ValidationError("--lease-ttl must be between 100ms and 1h") }
    }

    /// `--lease-ttl` in microseconds.
    var ttlMicros: Int64 { LeaseStart.ttlMicros(parsing: leaseTtl) ?? LeaseStart.defaultTTLMicros }
}
