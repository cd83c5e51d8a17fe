package import FirehoseIngest
package import FirehoseSync
import Foundation
import IPLD

/// The JSON reports of the mirror commands.
package enum MirrorJSON {
    /// The import report as JSON.
    package static func importReport(_ report: MirrorImportReport) -> String {
        var object: [String: Any] = [
            "did": report.did, "version": report.version, "rev": report.rev ?? NSNull(), "data": report.data.string,
            "commit": report.commit.string, "signatureChecked": report.signatureChecked,
            "collections": report.filter.isComplete ? ["*"] : report.filter.patterns,
            "records": report.records, "kept": report.kept, "created": report.created, "updated": report.updated,
            "deleted": report.deleted, "blocks": report.blocks, "extraBlocks": report.extraBlocks,
            "accountUpdated": report.accountUpdated, "stale": report.stale ?? NSNull(),
        ]
        if !report.extraBlockSample.isEmpty { object["extraBlockSample"] = report.extraBlockSample.map(\.string) }
        return JSONOutput.string(object, pretty: true)
    }

    /// A blob fetch report as JSON.
    package static func blobs(_ report: BlobFetchReport, did: String) -> String {
        JSONOutput.string([
            "did": did, "referenced": report.referenced, "present": report.present, "fetched": report.fetched,
            "fetchedBytes": report.fetchedBytes,
            "failed": report.failures.map { ["cid": $0.cid.string, "code": $0.error.codeName, "reason": $0.error.reason] },
        ] as [String: Any], pretty: true)
    }
}
