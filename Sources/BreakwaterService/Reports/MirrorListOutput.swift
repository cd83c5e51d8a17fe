package import FirehoseSync
import Foundation
import IPLD

/// `mirror list` output: a table for people (the default), JSON for machines (`--json`), times in RFC 3339.
package enum MirrorListOutput {
    /// One mirror as a JSON object; `addedAt` and `updatedAt` are RFC 3339 UTC times.
    package static func object(_ info: MirrorInfo) -> [String: Any] {
        [
            "did": info.did, "collections": collections(info),
            "rev": info.rev ?? NSNull(), "data": info.data?.string ?? NSNull(), "commit": info.commit?.string ?? NSNull(),
            "stale": info.stale ?? NSNull(), "records": info.records,
            "addedAt": time(info.addedAt), "updatedAt": time(info.updatedAt),
        ]
    }

    /// The mirrors as a table with a header line: DID, records, rev, updated, state, collections.
    package static func table(_ mirrors: [MirrorInfo]) -> String {
        guard !mirrors.isEmpty else { return "no mirrors" }
        let rows = [["did", "records", "rev", "updated", "state", "collections"]] + mirrors.map { info in
            [info.did, SummaryReport.grouped(info.records), info.rev ?? "-", time(info.updatedAt),
             info.stale.map { "stale (\($0))" } ?? "current", collections(info).joined(separator: ",")]
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Microseconds since the Unix epoch as an RFC 3339 UTC time (`2026-12-05T09:10:00Z`).
    package static func time(_ micros: Int64) -> String {
        AuditJSON.timestamp(micros)
    }

    private static func collections(_ info: MirrorInfo) -> [String] {
        info.filter.isComplete ? ["*"] : info.filter.patterns
    }
}
