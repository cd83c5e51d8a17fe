public import ATSyntax
public import Foundation

/// A DID document as returned by a PLC directory or a did:web host, with the parts atproto uses.
///
/// Parsing is lenient about entries it does not use (malformed verification methods or services are
/// skipped) and strict about the top level: a JSON object whose `id` is a valid DID. Whether `id` is
/// the DID that was asked for is a separate check (``checkID(_:)``), because a document is only
/// meaningful relative to the request.
///
/// Spec: https://atproto.com/specs/did (Docs/SPEC.md §11)
public struct DIDDocument: Hashable, Sendable {
    /// The document's `id`.
    public let id: DID
    /// The `alsoKnownAs` strings (non-strings skipped).
    public let alsoKnownAs: [String]
    /// The well-formed `verificationMethod` entries, in order.
    public let verificationMethods: [VerificationMethod]
    /// The well-formed `service` entries with a string endpoint, in order.
    public let services: [Service]
    /// The whole document, for storing and serving it unchanged.
    public let json: IdentityJSON

    /// One entry of `verificationMethod`.
    public struct VerificationMethod: Hashable, Sendable {
        /// `did:…#atproto` or `#atproto`, typically.
        public let id: String
        /// `Multikey` or a legacy suite name.
        public let type: String
        /// The DID that controls the key.
        public let controller: String
        /// The key, when given in this form.
        public let publicKeyMultibase: String?
    }

    /// One entry of `service`.
    public struct Service: Hashable, Sendable {
        /// `#atproto_pds` or `did:…#atproto_pds`, typically.
        public let id: String
        /// `AtprotoPersonalDataServer` for the PDS.
        public let type: String
        /// The endpoint URL string as written.
        public let serviceEndpoint: String
    }

    /// The verification method type and service names atproto looks for.
    public static let signingKeyFragment = "#atproto"
    /// The fragment of the PDS service id.
    public static let pdsFragment = "#atproto_pds"
    /// The type of the PDS service.
    public static let pdsServiceType = "AtprotoPersonalDataServer"

    /// Parses a document from JSON bytes.
    public init(data: Data) throws(ATIdentityError) {
        try self.init(json: try IdentityJSON(data: data))
    }

    /// Parses a document from a JSON value.
    public init(json: IdentityJSON) throws(ATIdentityError) {
        guard let members = json.objectValue else {
            throw ATIdentityError(.badDocument, "DID document is not a JSON object")
        }
        guard let idString = members["id"]?.stringValue else {
            throw ATIdentityError(.badDocument, "DID document has no string \"id\"")
        }
        do {
            self.id = try DID(idString)
        } catch {
            throw ATIdentityError(.badDocument, "DID document id: \(error)")
        }
        self.alsoKnownAs = (members["alsoKnownAs"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.verificationMethods = (members["verificationMethod"]?.arrayValue ?? []).compactMap { entry in
            guard let id = entry["id"]?.stringValue, let type = entry["type"]?.stringValue,
                  let controller = entry["controller"]?.stringValue
            else { return nil }
            return VerificationMethod(id: id, type: type, controller: controller,
                                      publicKeyMultibase: entry["publicKeyMultibase"]?.stringValue)
        }
        self.services = (members["service"]?.arrayValue ?? []).compactMap { entry in
            guard let id = entry["id"]?.stringValue, let type = entry["type"]?.stringValue,
                  let endpoint = entry["serviceEndpoint"]?.stringValue
            else { return nil }
            return Service(id: id, type: type, serviceEndpoint: endpoint)
        }
        self.json = json
    }

    /// Refuses a document whose `id` is not `did` (indigo rejects a mismatch).
    public func checkID(_ did: DID) throws(ATIdentityError) {
        guard id == did else {
            throw ATIdentityError(.wrongDID, "document id \(id) does not match the requested \(did)")
        }
    }

    /// The first `at://` entry of `alsoKnownAs` that is a valid handle (lowercase); nil when none.
    /// The handle is only a claim until checked both ways (DNS or `.well-known`).
    public var handle: Handle? {
        for entry in alsoKnownAs where entry.hasPrefix("at://") {
            if let handle = try? Handle(String(entry.dropFirst(5))) { return handle }
        }
        return nil
    }

    /// The `#atproto` signing key: the first verification method whose id is `#atproto` or
    /// `<id>#atproto` and whose controller is the document's DID (others are dropped, as indigo does).
    public func signingKey() throws(ATIdentityError) -> SigningKeyReference {
        let qualified = id.description + DIDDocument.signingKeyFragment
        for method in verificationMethods
        where (method.id == DIDDocument.signingKeyFragment || method.id == qualified) && method.controller == id.description {
            guard let multibase = method.publicKeyMultibase else {
                throw ATIdentityError(.invalidKeyEncoding, "#atproto verification method has no publicKeyMultibase")
            }
            return try SigningKeyReference(type: method.type, publicKeyMultibase: multibase)
        }
        throw ATIdentityError(.noSigningKey, "\(id) has no #atproto verification method controlled by itself")
    }

    /// The PDS: the first service whose id is `#atproto_pds` (or qualified) and whose type is
    /// `AtprotoPersonalDataServer`, when its endpoint has the allowed shape (``ServiceEndpoint``).
    public var pdsEndpoint: ServiceEndpoint? {
        let qualified = id.description + DIDDocument.pdsFragment
        for service in services
        where (service.id == DIDDocument.pdsFragment || service.id == qualified) && service.type == DIDDocument.pdsServiceType {
            return ServiceEndpoint(service.serviceEndpoint)
        }
        return nil
    }
}
