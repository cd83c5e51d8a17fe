import FirehoseTesting
import Foundation
import Testing

/// `breakwater --generate-completion-script SHELL` (ArgumentParser): the shell completions the README documents.
@Suite("shell completions")
struct CompletionScriptTests {
    @Test("completion scripts are generated for bash, zsh and fish and know the subcommands", arguments: ["bash", "zsh", "fish"])
    func completionScriptIsGenerated(_ shell: String) throws {
        let result = try BreakwaterBinary.run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        for word in ["breakwater", "consume", "status", "prune", "version"] {
            #expect(result.stdout.contains(word), "\(shell): no \(word)")
        }
    }
}
