/// Text as PostgreSQL can store it. A `text` value cannot hold the character U+0000, which hostile input can carry
/// into what is stored (a DID or a map key quoted in a violation's detail): such a character is stored as U+FFFD,
/// so the row is kept instead of the whole batch failing with `invalid byte sequence` (Docs/CONTRACT.md §5).
enum PostgresText {
    /// `text` with every U+0000 replaced by U+FFFD; `text` itself when it has none (the common case costs one scan).
    static func storable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }))
    }
}
