public import FirehoseSynth

extension SplitMix64 {
    /// A value drawn uniformly from `range` (the fault proxy's choices, repeatable from their seed).
    public mutating func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}
