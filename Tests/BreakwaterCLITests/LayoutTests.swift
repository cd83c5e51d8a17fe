import FirehoseTesting
import Foundation
import Testing

/// The layout of the code holds (Docs/ARCHITECTURE.md, "Targets"): which targets may import the network and
/// database packages, which stay pure, how large the edges may grow, no process-wide singletons, and no comment
/// that points at a document the repository does not hold. Read from the sources, so a change that breaks a rule
/// fails here before review.
@Suite("code layout")
struct LayoutTests {
    static let sources = Vectors.projectRoot.appendingPathComponent("Sources")

    /// The Swift files of `target`, with their text.
    static func files(_ target: String) -> [(path: String, text: String)] {
        let root = sources.appendingPathComponent(target)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            if let text = try? String(contentsOf: url, encoding: .utf8) { found.append((url.path, text)) }
        }
        return found.sorted { $0.0 < $1.0 }
    }

    static var targets: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The modules `text` imports.
    static func imports(_ text: String) -> Set<String> {
        var modules: Set<String> = []
        for line in text.split(separator: "\n") {
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") || ["public", "package", "internal", "private", "fileprivate"].contains(first) {
                words.removeFirst()
            }
            guard words.count >= 2, words[0] == "import" else { continue }
            let name = ["struct", "enum", "class", "func", "protocol", "typealias"].contains(words[1]) && words.count > 2 ? words[2] : words[1]
            modules.insert(String(name.split(separator: ".").first ?? ""))
        }
        return modules
    }

    static func lines(_ target: String) -> Int {
        files(target).reduce(0) { $0 + $1.text.split(separator: "\n", omittingEmptySubsequences: false).count - 1 }
    }

    @Test func onlyTheNetworkRelayAndPostgresTargetsImportNIOOrTheHTTPClient() {
        let network: Set = ["NIO", "NIOCore", "NIOPosix", "NIOHTTP1", "NIOWebSocket", "NIOSSL", "NIOFoundationCompat", "AsyncHTTPClient", "WSClient"]
        for target in Self.targets where !["BreakwaterNet", "FirehoseRelay", "FirehosePostgres", "FirehoseTesting"].contains(target) {
            for file in Self.files(target) {
                let used = Self.imports(file.text).intersection(network)
                #expect(used.isEmpty, "\(file.path) imports \(used.sorted())")
            }
        }
    }

    @Test func onlyThePostgresStoreImportsPostgresNIO() {
        for target in Self.targets where target != "FirehosePostgres" {
            for file in Self.files(target) { #expect(!Self.imports(file.text).contains("PostgresNIO"), "\(file.path) imports PostgresNIO") }
        }
    }

    @Test func onlyTheStoreImportsGRDBOrTheSQLiteCAPI() {
        for target in Self.targets where target != "FirehoseStore" {
            for file in Self.files(target) {
                let used = Self.imports(file.text).intersection(["GRDB", "GRDBSQLite", "SQLite3", "CSQLite3"])
                #expect(used.isEmpty, "\(file.path) imports \(used.sorted())")
            }
        }
    }

    @Test func thePureCoreImportsNoFoundation() {
        for target in ["ATSyntax", "IPLD", "ATCrypto", "ATRepo", "FirehoseSync", "FirehoseAudit"] {
            #expect(!Self.files(target).isEmpty, "no sources for \(target)")
            for file in Self.files(target) {
                let used = Self.imports(file.text).intersection(["Foundation", "FoundationEssentials", "Logging", "GRDB", "Metrics"])
                #expect(used.isEmpty, "\(file.path) imports \(used.sorted())")
            }
        }
    }

    @Test func theEdgesStaySmall() {
        let cli = Self.lines("BreakwaterCLI"), ingest = Self.lines("FirehoseIngest")
        print("layout: BreakwaterCLI \(cli) lines, FirehoseIngest \(ingest) lines")
        #expect(cli < 2_500, "BreakwaterCLI has \(cli) lines")
        #expect(ingest < 3_500, "FirehoseIngest has \(ingest) lines")
    }

    @Test func thereAreNoProcessWideSingletons() {
        for target in Self.targets {
            for file in Self.files(target) {
                for line in file.text.split(separator: "\n") where line.contains("static") && line.contains(" shared") {
                    let code = line.split(separator: "//").first ?? ""
                    #expect(!(code.contains("static let shared") || code.contains("static var shared")), "\(file.path): \(line)")
                }
            }
        }
    }

    @Test func commentsCiteOnlyDocumentsTheRepositoryHolds() throws {
        let root = Vectors.projectRoot
        var checked = 0
        for folder in ["Sources", "Tests", "Scripts", "Plugins"] {
            guard let walker = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where ["swift", "sh"].contains(url.pathExtension) {
                if url.path.contains("/Tests/Vectors/") || url.path.contains("/.build") { continue }
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                checked += 1
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let cited = Self.citedDocuments(in: String(line))
                    for name in cited {
                        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path),
                                "\(url.path):\(number + 1) cites \(name), which the repository does not hold")
                    }
                    if line.range(of: #"\bissue (titled|[0-9]+)"#, options: [.regularExpression, .caseInsensitive]) != nil,
                       !line.contains("github.com") {
                        Issue.record("\(url.path):\(number + 1) cites a work item: \(line)")
                    }
                }
            }
        }
        #expect(checked > 100)
    }

    /// Markdown documents named in `line` (`Docs/SPEC.md`, `README.md`…), as paths from the project root: a bare
    /// name means a file at the project root.
    static func citedDocuments(in line: String) -> [String] {
        var names: [String] = []
        var rest = Substring(line)
        while let range = rest.range(of: #"[A-Za-z0-9_./-]+\.md\b"#, options: .regularExpression) {
            var name = String(rest[range])
            rest = rest[range.upperBound...]
            if name.hasPrefix("//") || name.hasPrefix("http") { continue }
            while name.hasPrefix("./") { name.removeFirst(2) }
            while name.hasPrefix("-") { name.removeFirst() }
            names.append(name)
        }
        return names
    }
}
