public import FirehoseSync
public import IPLD

/// What ``BlobStore/fetchMissing(did:references:pds:from:)`` did.
public struct BlobFetchReport: Sendable {
    /// Distinct blobs the records refer to.
    public var referenced: Int
    /// Already stored before this run.
    public var present = 0
    /// Fetched, checked and stored now.
    public var fetched = 0
    /// Bytes fetched.
    public var fetchedBytes = 0
    /// Blobs that could not be fetched or stored, with why.
    public var failures: [(cid: CID, error: any CodedError)] = []

    /// An empty report for `referenced` blobs.
    public init(referenced: Int) { self.referenced = referenced }
}
