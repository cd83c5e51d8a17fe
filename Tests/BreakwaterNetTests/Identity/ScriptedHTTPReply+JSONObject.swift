import FirehoseTesting
import Foundation

extension ScriptedHTTPReply {
    /// A `200` response whose body is `object` as JSON (sorted keys).
    static func json(_ object: [String: Any]) -> ScriptedHTTPReply {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return .json(String(decoding: data, as: UTF8.self))
    }

    /// A `200` response of `count` spaces, announced with `Content-Length` or sent chunked.
    static func large(totalBytes count: Int, announced: Bool) -> ScriptedHTTPReply {
        .status(200, body: [UInt8](repeating: UInt8(ascii: " "), count: count), announceLength: announced)
    }
}
