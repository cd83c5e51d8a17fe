import FirehoseSynth

/// The faults chosen for one proxied connection, drawn from the mix's seed and the connection's number.
struct FaultPlan: Sendable {
    /// How and after how many server-to-client bytes the connection ends (nil: it is not ended by the proxy).
    var ending: (kind: FaultMix.Ending, afterBytes: Int)?
    /// The generator for everything drawn while the connection runs (pause lengths, latencies, next offsets).
    var random: SplitMix64

    /// The plan of connection `number` (0-based) under `mix`; `endingsLeft` says whether an ending may still be given.
    init(mix: FaultMix, number: Int, endingsLeft: Bool) {
        random = SplitMix64(seed: mix.seed ^ (UInt64(number + 1) &* 0xD1B5_4A32_D192_ED03))
        let kind = mix.endings.isEmpty ? nil : mix.endings[random.draw(0...(mix.endings.count - 1))]
        let after = random.draw(mix.bytesBeforeEnding)
        ending = endingsLeft ? kind.map { ($0, after) } : nil
    }
}
