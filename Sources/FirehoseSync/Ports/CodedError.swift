/// An error that ends an operation with a stable kebab-case code and a human reason, whichever module raised it:
/// the live ingest passes it on and the command line prints `code: reason` and maps it to its exit status.
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    /// The stable code, e.g. `upstream-refused`.
    var codeName: String { get }
    /// A human-readable explanation with specifics.
    var reason: String { get }
}
