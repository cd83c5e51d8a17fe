import FirehoseTesting
import Foundation
import Testing

/// `--help` of each command names every environment variable it reads: each row of the README's variable table
/// (variable, option, commands) is checked against the help of every command the row names.
@Suite("help names the variables each command reads")
struct HelpVariablesTests {
    static func rows() throws -> [(variables: [String], commands: [String])] {
        let readme = try String(contentsOf: Vectors.projectRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "### Configuration: environment variables"),
              let end = readme.range(of: "\n### ", range: start.upperBound..<readme.endIndex) else { return [] }
        var rows: [(variables: [String], commands: [String])] = []
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| `BREAKWATER_") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let variables = cells[1].matches(of: /BREAKWATER_[A-Z_]+/).map { String($0.output) }
            // Commands are the backquoted lower-case words of the third column (`mirror …` stands for every mirror command).
            var commands: [String] = []
            for match in cells[3].matches(of: /`([a-z][a-z ]*[a-z])`/) {
                let name = String(match.output.1)
                if name == "mirror" { continue }
                commands.append(name)
            }
            rows.append((variables, commands))
        }
        return rows
    }

    @Test func everyDocumentedVariableIsInTheHelpOfItsCommands() throws {
        let rows = try Self.rows()
        #expect(rows.count >= 25, "the README table was not found")
        var checked = 0
        for row in rows {
            for command in row.commands {
                let help = try BreakwaterBinary.run(command.split(separator: " ").map(String.init) + ["--help"])
                guard help.status == 0, !help.stdout.isEmpty else { continue }  // a word that is no command (e.g. a flag)
                for variable in row.variables {
                    #expect(help.stdout.contains(variable), "`breakwater \(command) --help` does not name \(variable)")
                    checked += 1
                }
            }
        }
        print("help variables: \(checked) (command, variable) pairs checked")
        #expect(checked >= 40)
    }

    @Test(arguments: ["mirror import", "mirror add", "mirror blobs", "consume", "record", "serve"])
    func commandsThatLogNameTheLogVariables(command: String) throws {
        let help = try BreakwaterBinary.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(help.stdout.contains("BREAKWATER_LOG_FORMAT") && help.stdout.contains("BREAKWATER_LOG_LEVEL"))
    }
}
