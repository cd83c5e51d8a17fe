import ATIdentity
import ATSyntax
public import Foundation

/// Supplies the `identities.json` entry of a DID for a recording (Docs/CONTRACT.md §2): a DID document as the
/// directory returns it, or the short form. Implemented over an identities file here; a PLC/did:web resolver
/// can provide the raw documents it fetched.
public protocol RecordingIdentitySource: Sendable {
    /// The JSON object (serialized) to store for `did`, or nil when none is known.
    func identityJSON(for did: String) async -> Data?
}

/// Entries copied from an existing identities file (read and written through ``StaticIdentities``).
public struct IdentitiesFileSource: RecordingIdentitySource {
    let identities: StaticIdentities

    /// Loads `path` (a JSON object keyed by DID).
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(.recordingUnreadable, "cannot read identities file \(path)")
        }
        self = try IdentitiesFileSource(data: data)
    }

    /// Parses identities-file bytes.
    public init(data: Data) throws {
        do throws(ATIdentityError) {
            identities = try StaticIdentities(data: data)
        } catch {
            throw IngestError(.recordingUnreadable, "identities file is not valid: \(error.reason)")
        }
    }

    public func identityJSON(for did: String) async -> Data? {
        guard let did = try? DID(did) else { return nil }
        return identities.encodedEntry(for: did)?.encoded()
    }
}
