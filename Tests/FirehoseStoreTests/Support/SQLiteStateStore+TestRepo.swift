import FirehoseStore
import FirehoseSync
import FirehoseTesting

extension SQLiteStateStore {
    /// Every stored record of `did`, paged through the public query.
    func allMirrorRecords(did: String) throws -> [MirrorRecord] {
        var out: [MirrorRecord] = []
        var cursor: String? = nil
        for _ in 0..<100_000 {
            let page = try mirrors.records(did: did, after: cursor, limit: 500)
            out.append(contentsOf: page)
            guard page.count == 500, let last = page.last else { break }
            cursor = last.cursor
        }
        return out
    }

    /// The mirror exported as CAR bytes.
    func exportedCAR(did: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try mirrors.export(did: did, chunkSize: 4096) { bytes.append(contentsOf: $0) }
        return bytes
    }
}
