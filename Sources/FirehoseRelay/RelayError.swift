public import FirehoseSync

/// The error type of `FirehoseRelay` (`breakwater serve`): a stable ``Code`` plus a human reason; equality on
/// the code.
public struct RelayError: Error, Hashable, Sendable, CustomStringConvertible, CodedError {
    /// What went wrong, as a stable kebab-case code.
    public let code: Code
    /// A human-readable explanation with specifics.
    public let reason: String
    let file: String
    let line: UInt

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: RelayError, rhs: RelayError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// The code's text (``CodedError``).
    public var codeName: String { code.description }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidURL = "invalid-url"
            case recordingUnreadable = "recording-unreadable"
            case cannotBind = "cannot-bind"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// A relay URL that cannot be used (scheme, host).
        public static let invalidURL = Code(.invalidURL)

        /// A recording to serve cannot be read.
        public static let recordingUnreadable = Code(.recordingUnreadable)

        /// The server cannot listen on the requested address.
        public static let cannotBind = Code(.cannotBind)
    }
}
