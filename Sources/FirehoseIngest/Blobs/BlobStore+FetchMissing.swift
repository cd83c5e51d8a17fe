public import FirehoseSync
import IPLD

extension BlobStore {
    /// Fetches from `source` every blob of `references` that this store lacks, one at a time, and stores each once
    /// checked. Failures are collected, not thrown: one missing blob does not stop the others. References whose
    /// declared size exceeds the source's limit are refused without a request.
    public func fetchMissing(did: String, references: [BlobReference], pds: String, from source: any BlobSource) async -> BlobFetchReport {
        var report = BlobFetchReport(referenced: references.count)
        for reference in references {
            if Task.isCancelled {
                report.failures.append((reference.cid, IngestError(.blobFetchFailed, "cancelled")))
                continue
            }
            if contains(reference.cid) {
                report.present += 1
                continue
            }
            do {
                guard reference.cid.codec == .raw else {
                    throw IngestError(.blobCIDMismatch, "\(reference.cid) is not a raw-codec CID, as blob CIDs must be")
                }
                if let size = reference.size, size > Int64(source.maxBlobBytes) {
                    throw IngestError(.blobTooLarge, "blob \(reference.cid): declared size \(size) exceeds \(source.maxBlobBytes) bytes")
                }
                let bytes = try await source.fetchBlob(did: did, cid: reference.cid, pds: pds)
                try write(bytes, for: reference.cid)
                report.fetched += 1
                report.fetchedBytes += bytes.count
            } catch {
                report.failures.append((reference.cid, error as? any CodedError ?? IngestError(.blobFetchFailed, "blob \(reference.cid): \(error)")))
            }
        }
        return report
    }
}
