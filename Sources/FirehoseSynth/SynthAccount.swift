import ATCrypto
import ATRepo
import IPLD

/// One synthetic account: its keys, its full repository (the source of truth), and what the verifier is
/// expected to know about it.
struct SynthAccount {
    let did: String
    let host: String
    var key: PrivateKey
    /// Keys used before rotations, with the seq of the `#identity` that retired each.
    var previousKeys: [(key: PrivateKey, beforeSeq: Int64)] = []
    var tree = MST()
    /// Paths of the records, for picking deletes and updates at random.
    var paths: [String] = []
    var pathIndex: [String: Int] = [:]
    /// Record bytes by CID (for the final repository CAR).
    var recordBlocks: [CID: [UInt8]] = [:]
    /// Record CID by path.
    var values: [String: CID] = [:]
    var rev: String?
    var lastCommit: Commit?
    var lastCommitFrame: (seq: Int64, body: [String: IPLDValue])?
    var created = false
    var active = true
    /// True when this account is not in the identities file.
    var ghost = false

    init(did: String, host: String, key: PrivateKey) {
        self.did = did
        self.host = host
        self.key = key
    }

    mutating func addPath(_ path: String) {
        guard pathIndex[path] == nil else { return }
        pathIndex[path] = paths.count
        paths.append(path)
    }

    mutating func removePath(_ path: String) {
        guard let index = pathIndex.removeValue(forKey: path) else { return }
        let last = paths.removeLast()
        if index < paths.count {
            paths[index] = last
            pathIndex[last] = index
        }
    }
}
