public import FirehoseSync

/// A labelled fault `synth --faults` can inject, named by the outcome reason (Docs/CONTRACT.md §4) the faulty event
/// must get. Every reason code can be injected.
public typealias FaultKind = Reason
