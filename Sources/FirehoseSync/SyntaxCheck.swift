import ATSyntax

/// Syntax checks used by envelope parsing, delegating to `ATSyntax`.
enum SyntaxCheck {
    static func isDID(_ text: String) -> Bool { DID.isValid(text) }
    static func isTID(_ text: String) -> Bool { TID.isValid(text) }
    static func isRepoPath(_ text: String) -> Bool { RepoPath.isValid(text) }
}
