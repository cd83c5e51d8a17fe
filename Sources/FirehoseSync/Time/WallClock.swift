#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one reading of the system's wall clock, in microseconds since the Unix epoch. Verification never calls it:
/// the edges (the pipeline's receipt of a frame, the store's timestamps, the identity cache's expiry) read it and
/// pass the time in (``VerificationTime``), so replays and tests stay deterministic.
public enum WallClock {
    /// Now, in microseconds since the Unix epoch.
    public static func nowMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }

    /// Now, as a ``VerificationTime``.
    public static func now() -> VerificationTime { VerificationTime(micros: nowMicros()) }
}
