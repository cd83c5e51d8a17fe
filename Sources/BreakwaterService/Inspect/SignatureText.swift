import Foundation

/// How `inspect signature` reads its inputs: the signed message from a file (or standard input), the signature from
/// base64 text.
package enum SignatureText {
    /// The exact bytes of the file at `path`, or of standard input for `-`.
    package static func message(at path: String) throws -> [UInt8] {
        if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The bytes of base64 `text` in the standard or URL-safe alphabet, padded or not; nil when it is not base64.
    package static func bytes(base64 text: String) -> [UInt8]? {
        var normalized = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard normalized.count % 4 != 1 else { return nil }
        while normalized.count % 4 != 0 { normalized += "=" }
        return Data(base64Encoded: normalized).map { [UInt8]($0) }
    }
}
