public import Foundation

/// Locates the conformance vectors the tests read: `Tests/Vectors/` inside the repository, a copy of the
/// upstream files each test, benchmark, fuzz seed and script uses (each upstream folder keeps its `SOURCE.txt`
/// and licence).
///
/// The folder can be overridden with the `BREAKWATER_VECTORS` environment variable.
public enum Vectors {
    /// The project root, derived from this source file's location.
    public static let projectRoot: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // FirehoseTesting
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // root
    }()

    /// The root of the vectors folder (`Tests/Vectors`, or `BREAKWATER_VECTORS` when set).
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["BREAKWATER_VECTORS"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return projectRoot.appendingPathComponent("Tests/Vectors")
    }()

    /// The URL of a file below the vectors root, e.g. `url("interop/mst/key_heights.json")`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The bytes of a file below the vectors root.
    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// Parsed JSON of a file below the vectors root.
    public static func json(_ relativePath: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relativePath), options: [.fragmentsAllowed])
    }

    /// Lines of a text vector file, without trimming (leading/trailing spaces are deliberate cases),
    /// skipping empty lines and lines starting with `#`.
    public static func lines(_ relativePath: String) throws -> [String] {
        let text = String(decoding: try data(relativePath), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Every file below `relativeFolder` (recursively) whose name ends with `suffix`, sorted.
    public static func files(under relativeFolder: String, suffix: String) -> [URL] {
        let base = url(relativeFolder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var found: [URL] = []
        for case let file as URL in walker where file.lastPathComponent.hasSuffix(suffix) {
            found.append(file)
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Decodes standard base64 with or without padding.
    public static func base64(_ text: String) -> [UInt8]? {
        var padded = text
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }

    /// Decodes a hex string.
    public static func hex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let hi = hexNibble(chars[index]), let lo = hexNibble(chars[index + 1]) else { return nil }
            out.append(hi << 4 | lo)
            index += 2
        }
        return out
    }

    private static func hexNibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
