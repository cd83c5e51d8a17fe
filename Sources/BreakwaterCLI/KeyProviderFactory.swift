import FirehoseIngest
import Foundation
import Logging

/// Builds the signing-key source of `consume` (SPEC.md §11). Today: the keys of `--identities` (no network
/// look-ups for those DIDs) and "unavailable" for every other DID; `plc` is accepted and passed here so
/// PLC/did:web resolution can be added behind the same call without touching the commands.
func makeKeyProvider(plc: URL?, identities: String?, logger: Logger) throws -> any KeyProvider {
    if let plc {
        logger.debug("PLC resolution is not available in this build; DIDs outside --identities are unverifiable",
                     metadata: ["identity.plc": "\(plc)"])
    }
    guard let identities else { return StaticKeyProvider(keys: [:]) }
    return try IdentityLoading.staticKeys(path: identities, required: true)
}

/// Builds the source of `identities.json` entries for `record` and `consume --record`: entries copied from
/// `--identities`; the hook for documents fetched from `plc` (nil: nothing to copy).
func makeRecordingIdentitySource(plc: URL?, identities: String?, logger: Logger) throws -> (any RecordingIdentitySource)? {
    guard let identities else {
        if plc != nil { logger.debug("PLC resolution is not available in this build; identities.json gets no entries") }
        return nil
    }
    do {
        return try IdentitiesFileSource(path: identities)
    } catch let error as IngestError {
        throw OperationalError("invalid-identities", error.reason)
    }
}
