/// A DID or a handle, as accepted where either identifies an account (e.g. the authority of an AT URI).
///
/// Spec: https://atproto.com/specs/lexicon#at-identifier
public enum ATIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// A DID.
    case did(DID)
    /// A handle (lowercase).
    case handle(Handle)

    /// Parses a DID (when the string starts with `did:`) or else a handle.
    public init(_ string: String) throws(ATSyntaxError) {
        do throws(ATSyntaxError) {
            if string.utf8.starts(with: "did:".utf8) {
                self = .did(try DID(string))
            } else {
                self = .handle(try Handle(string))
            }
        } catch {
            throw ATSyntaxError(.invalidATIdentifier, "neither a DID nor a handle: \(error.reason)")
        }
    }

    /// The DID, when this is one.
    public var did: DID? {
        if case .did(let did) = self { return did }
        return nil
    }

    /// The handle, when this is one.
    public var handle: Handle? {
        if case .handle(let handle) = self { return handle }
        return nil
    }

    public var description: String {
        switch self {
        case .did(let did): did.description
        case .handle(let handle): handle.description
        }
    }
}
