/// A failed check: the reason code and a human detail (which op, which CID was expected and found).
public struct Rejection: Sendable, Hashable, Error, CustomStringConvertible {
    /// The reason code (its ``Reason/outcome`` says which outcome it leads to).
    public let reason: Reason
    /// What exactly failed.
    public let detail: String

    /// Creates a rejection.
    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
