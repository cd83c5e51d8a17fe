public import Foundation

/// Supplies the `identities.json` entry of a DID for a recording (Docs/CONTRACT.md §2): a DID document as the
/// directory returns it, or the short form. Implemented over an identities file here; a PLC/did:web resolver
/// can provide the raw documents it fetched.
public protocol RecordingIdentitySource: Sendable {
    /// The JSON object (serialized) to store for `did`, or nil when none is known.
    func identityJSON(for did: String) async -> Data?
}

/// Entries copied from an existing identities file.
public struct IdentitiesFileSource: RecordingIdentitySource {
    let entries: [String: Data]

    /// Loads `path` (a JSON object keyed by DID).
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(.recordingUnreadable, "cannot read identities file \(path)")
        }
        self = try IdentitiesFileSource(data: data)
    }

    /// Parses identities-file bytes.
    public init(data: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw IngestError(.recordingUnreadable, "identities file is not a JSON object")
        }
        var entries: [String: Data] = [:]
        for (did, value) in object {
            guard JSONSerialization.isValidJSONObject(value),
                  let bytes = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { continue }
            entries[did] = bytes
        }
        self.entries = entries
    }

    public func identityJSON(for did: String) async -> Data? { entries[did] }
}
