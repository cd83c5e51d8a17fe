package import FirehoseSync
package import IPLD

/// `{uri, cid, value}` for a stored record (the shape of `com.atproto.repo.getRecord`).
package enum MirrorRecordJSON {
    package static func value(_ record: MirrorRecord) throws -> IPLDValue {
        let decoded: IPLDValue
        do { decoded = try DAGCBOR.decode(record.bytes) } catch {
            throw ServiceError("mirror-inconsistent", "stored record \(record.uri) is not DAG-CBOR: \(error)")
        }
        return .map(["uri": .string(record.uri), "cid": .string(record.cid.string), "value": decoded])
    }
}
