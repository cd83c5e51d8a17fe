import FirehoseTesting

extension ScriptedHTTPReply {
    /// A `200` response carrying a repository CAR (`application/vnd.ipld.car`), its length announced or not.
    static func car(_ bytes: [UInt8], announceLength: Bool = true) -> ScriptedHTTPReply {
        .status(200, headers: [("Content-Type", "application/vnd.ipld.car")], body: bytes, announceLength: announceLength)
    }
}
