import ATIdentity
import ATSyntax
import Foundation

/// An identity cache entry as the columns of an `identities` row (the SQLite cache's encoding).
struct IdentityRow {
    var signingKey: String?
    var pds: String?
    var handle: String?
    var error: String?
    var keyError: String?

    init(_ entry: IdentityCachePolicy.Entry) {
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

    static func encode(_ error: ATIdentityError) -> String { "\(error.code): \(error.reason)" }

    static func decodeError(_ text: String) -> ATIdentityError {
        guard let separator = text.range(of: ": ") else {
            return ATIdentityError(ATIdentityError.Code(text) ?? .resolutionFailed, text)
        }
        let code = ATIdentityError.Code(String(text[..<separator.lowerBound])) ?? .resolutionFailed
        return ATIdentityError(code, String(text[separator.upperBound...]))
    }
}
