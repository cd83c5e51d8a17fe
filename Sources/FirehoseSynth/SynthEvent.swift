public import FirehoseSync

/// One generated frame and the outcome it must get.
public struct SynthEvent: Sendable {
    /// The frame bytes (header + body).
    public var frame: [UInt8]
    /// The expected outcome line (`detail` left empty).
    public var expected: OutcomeLine
}
