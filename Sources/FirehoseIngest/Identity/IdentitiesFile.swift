import ATCrypto
public import ATIdentity
import ATSyntax
public import FirehoseSync
public import Foundation

/// Loads a recording's identities file (CONTRACT.md §2) into signing keys.
public enum IdentitiesFile {
    /// The error of an unreadable or invalid identities file.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A key provider over the file at `path`. A missing file gives an empty provider (every DID
    /// unavailable) unless `required`.
    public static func keyProvider(path: String, required: Bool = false) throws -> StaticKeyProvider {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw LoadError(description: "cannot read identities file \(path)") }
            return StaticKeyProvider(keys: [:])
        }
        return try keyProvider(data: data)
    }

    /// A key provider over identities-file bytes.
    public static func keyProvider(data: Data) throws -> StaticKeyProvider {
        let identities: StaticIdentities
        do {
            identities = try StaticIdentities(data: data)
        } catch {
            throw LoadError(description: "invalid identities file: \(error)")
        }
        var keys: [String: [StaticKeyProvider.Entry]] = [:]
        var hosts: [String: String] = [:]
        for (did, _) in identities.entries {
            let current: SigningKeyLookup
            do {
                let resolved = try identities.resolve(did, fetchedAt: 0)
                current = lookup(resolved.signingKey)
                if let pds = resolved.pds, let host = EventReceipt.hostLabel(ofEndpoint: pds.description) {
                    hosts[did.description] = host
                }
            } catch {
                current = .unavailable("\(error)")
            }
            keys[did.description] = [StaticKeyProvider.Entry(lookup: current, beforeSeq: nil)]
        }
        // Key history: `previousKeys: [{signingKey, beforeSeq}]` on short-form entries.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for (did, value) in object {
                guard let entry = value as? [String: Any], let previous = entry["previousKeys"] as? [[String: Any]] else { continue }
                for item in previous {
                    guard let didKey = item["signingKey"] as? String, let before = (item["beforeSeq"] as? NSNumber)?.int64Value else {
                        throw LoadError(description: "\(did): previousKeys entries need signingKey and beforeSeq")
                    }
                    let parsed: SigningKeyLookup
                    do { parsed = .key(try PublicKey(didKey: didKey), fresh: true) } catch { parsed = .unavailable("\(error)") }
                    keys[did, default: []].append(StaticKeyProvider.Entry(lookup: parsed, beforeSeq: before))
                }
            }
        }
        return StaticKeyProvider(keys: keys, hosts: hosts)
    }

    /// Turns a resolved key reference into a parsed key, or the reason there is none.
    public static func lookup(_ reference: Result<SigningKeyReference, ATIdentityError>) -> SigningKeyLookup {
        switch reference {
        case .failure(let error):
            return .unavailable("\(error)")
        case .success(let reference):
            do {
                if let didKey = reference.didKeyString {
                    return .key(try PublicKey(didKey: didKey), fresh: true)
                }
                return .key(try PublicKey(verificationMethodType: reference.type, publicKeyMultibase: reference.publicKeyMultibase), fresh: true)
            } catch {
                return .unavailable("unusable #atproto key: \(error)")
            }
        }
    }
}
