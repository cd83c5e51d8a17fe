import ATRepo

/// The storage one verification worker reuses across the events it judges: the commit proof's arena (the partial
/// tree's nodes, entries and key bytes keep the capacity the largest slice so far needed). Not thread-safe: a worker
/// judges one event at a time with it; an event judged elsewhere (a job waiting for a key) gets none and the proof
/// allocates its own.
public final class VerifierWorkspace {
    /// The arena of ``SliceProof``.
    let proofArena = SliceProofArena()

    /// An empty workspace; it grows to the largest commit it has judged.
    public init() {}
}
