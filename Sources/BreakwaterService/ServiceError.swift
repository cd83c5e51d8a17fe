/// The error type of the application layer: a failure that ends a command, with the stable kebab-case code the
/// command line prints (`error: CODE: reason`, exit status 1).
package struct ServiceError: Error, CustomStringConvertible {
    /// The stable code (`invalid-url`, `invalid-address`, `unreadable-file`, …, or the code of the library error
    /// it carries).
    package let code: String
    /// What went wrong, for people.
    package let reason: String

    /// An error with `code` and `reason`.
    package init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    package var description: String { "\(code): \(reason)" }
}
