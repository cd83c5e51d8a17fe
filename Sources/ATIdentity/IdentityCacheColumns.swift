import ATSyntax
import Foundation

/// An identity cache entry as the columns of a stored `identities` row, the same for every store (SQLite and
/// PostgreSQL): the signing key as did:key text, the PDS endpoint, the handle, and failures as `code: reason` text.
package struct IdentityCacheColumns: Sendable, Hashable {
    /// The signing key (did:key), when the identity has a usable one.
    package var signingKey: String?
    /// The PDS endpoint.
    package var pds: String?
    /// The handle.
    package var handle: String?
    /// The resolution failure, when the look-up failed.
    package var error: String?
    /// Why there is no usable signing key, when the identity resolved without one.
    package var keyError: String?

    /// The columns of `entry`.
    package init(_ entry: IdentityCachePolicy.Entry) {
        switch entry.result {
        case .failure(let failure):
            error = Self.encode(failure)
        case .success(let identity):
            pds = identity.pds?.description
            handle = identity.handle?.description
            switch identity.signingKey {
            case .success(let reference):
                if let didKey = reference.didKeyString {
                    signingKey = didKey
                } else {
                    keyError = Self.encode(ATIdentityError(.invalidKeyEncoding, "\(reference.type) key is not a valid point encoding"))
                }
            case .failure(let failure):
                keyError = Self.encode(failure)
            }
        }
    }

    /// A failure as stored: `code: reason`.
    package static func encode(_ error: ATIdentityError) -> String { "\(error.code): \(error.reason)" }

    /// A stored failure read back (an unknown code reads as `resolution-failed`).
    package static func decodeError(_ text: String) -> ATIdentityError {
        guard let separator = text.range(of: ": ") else {
            return ATIdentityError(ATIdentityError.Code(text) ?? .resolutionFailed, text)
        }
        let code = ATIdentityError.Code(String(text[..<separator.lowerBound])) ?? .resolutionFailed
        return ATIdentityError(code, String(text[separator.upperBound...]))
    }
}
