public import IPLD

/// Fetches one blob of an account from its PDS (`com.atproto.sync.getBlob`): the port through which the mirror
/// fills its blob folder without knowing the HTTP client.
public protocol BlobSource: Sendable {
    /// The largest blob accepted, in bytes: a reference declaring a larger size is refused without a request.
    var maxBlobBytes: Int { get }
    /// The bytes of blob `cid` of `did` from the PDS at `pds`, checked against `cid`. Failures are thrown,
    /// preferably as a ``CodedError``.
    func fetchBlob(did: String, cid: CID, pds: String) async throws -> [UInt8]
}
