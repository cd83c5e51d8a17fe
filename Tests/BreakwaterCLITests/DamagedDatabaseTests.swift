import FirehoseTesting
import Foundation
import Testing

/// A damaged database: a truncated or overwritten SQLite file is found at open by SQLite's quick check
/// and refused with `error: database-corrupt: PATH: …` (exit 1) by every command that opens it, which leaves it
/// untouched; it is never used.
@Suite("Damaged database", .serialized)
struct DamagedDatabaseTests {
    /// A database holding the state of Replays/demo (944 events), made once per test process.
    struct SetupFailure: Error, CustomStringConvertible {
        let description: String
    }

    static let intact: Result<Data, SetupFailure> = {
        let database = TemporaryDatabase(label: "bw-intact").url
        defer { TemporaryDatabase.remove(database.path) }
        let demo = Vectors.projectRoot.appendingPathComponent("Replays/demo").path
        guard let result = try? BreakwaterBinary.run(["replay", demo, "--db", database.path]), result.status == 0,
              let bytes = try? Data(contentsOf: database) else { return .failure(.init(description: "replay of the demo failed")) }
        return .success(bytes)
    }()

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncatedToHalf = "truncated to half its pages"
        case truncatedMidPage = "truncated in the middle of a page"
        case pagesOverwritten = "b-tree pages overwritten"
        case headerOverwritten = "header overwritten"

        var testDescription: String { rawValue }

        func apply(to intact: Data) -> Data {
            var bytes = intact
            switch self {
            case .truncatedToHalf:
                bytes = bytes.prefix(bytes.count / 2 / 4_096 * 4_096)
            case .truncatedMidPage:
                bytes = bytes.prefix(bytes.count / 3 + 1_234)
            case .pagesOverwritten:
                // 32 bytes in the cell area of every page after the first two.
                for page in stride(from: 2 * 4_096, to: bytes.count, by: 4_096) {
                    bytes.replaceSubrange((page + 100)..<(page + 132), with: [UInt8](repeating: 0xDE, count: 32))
                }
            case .headerOverwritten:
                bytes.replaceSubrange(0..<16, with: Array("not SQLite here!".utf8))
            }
            return bytes
        }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedDatabaseIsRefusedAtOpenWithDatabaseCorruptAndLeftUntouched(damage: Damage) throws {
        let damaged = damage.apply(to: try Self.intact.get())
        let database = TemporaryDatabase(label: "bw-damaged").url
        defer { TemporaryDatabase.remove(database.path) }
        try damaged.write(to: database)
        let demo = Vectors.projectRoot.appendingPathComponent("Replays/demo").path
        let commands: [[String]] = [
            ["status", "--db", database.path],
            ["status", "--db", database.path, "--json"],
            ["replay", demo, "--db", database.path],
            ["consume", "--db", database.path, "--relay", "ws://127.0.0.1:9", "--max-retries", "0", "--progress", "0"],
            ["audit", "report", "--db", database.path],
            ["mirror", "list", "--db", database.path],
        ]
        for arguments in commands {
            let result = try BreakwaterBinary.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: database-corrupt: \(database.path): "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line")
            #expect(try Data(contentsOf: database) == damaged, "\(arguments) left the file as it was")
        }
    }

    @Test func statusSaysWhatIsWrongWithADamagedDatabase() throws {
        let damaged = Damage.pagesOverwritten.apply(to: try Self.intact.get())
        let database = TemporaryDatabase(label: "bw-damaged").url
        defer { TemporaryDatabase.remove(database.path) }
        try damaged.write(to: database)
        let result = try BreakwaterBinary.run(["status", "--db", database.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("quick_check found the file damaged"), "\(result.stderr)")
        #expect(result.stderr.contains("page"), "names the damaged page: \(result.stderr)")
        #expect(result.stderr.contains("restore a backup"), "\(result.stderr)")
    }

    @Test func anIntactDatabasePassesTheQuickCheckAndIsUsedAsBefore() throws {
        let database = TemporaryDatabase(label: "bw-intact").url
        defer { TemporaryDatabase.remove(database.path) }
        try Self.intact.get().write(to: database)
        let result = try BreakwaterBinary.run(["status", "--db", database.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"cursors\""))
    }
}
