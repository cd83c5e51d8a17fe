import Foundation

/// The environment fallback of the options that name a place or URL (Docs/CONTRACT.md §1: `--db` ↔ `BREAKWATER_DB`,
/// `--identities` ↔ `BREAKWATER_IDENTITIES`, …): a non-empty option wins, then a non-empty environment variable,
/// then the default. README.md lists every variable.
enum EnvironmentOption {
    /// `option`, else the environment variable `name`; nil when neither is set (empty values count as unset).
    static func value(_ option: String?, env name: String) -> String? {
        if let option, !option.isEmpty { return option }
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return nil
    }

    /// `option`, else the environment variable `name`, else `fallback`.
    static func value(_ option: String?, env name: String, default fallback: String) -> String {
        value(option, env: name) ?? fallback
    }

    /// The PLC directory: `--plc`, else `BREAKWATER_PLC`, else https://plc.directory; an http(s) URL.
    static func plcURL(_ option: String?) throws -> URL {
        try httpURL(value(option, env: "BREAKWATER_PLC", default: "https://plc.directory"), option: "--plc")
    }

    /// `text` as an http(s) URL with a host, else `invalid-url` naming `option`.
    static func httpURL(_ text: String, option: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host?.isEmpty == false else {
            throw OperationalError("invalid-url", "\(option) must be an http(s) URL, not '\(text)'")
        }
        return url
    }
}
