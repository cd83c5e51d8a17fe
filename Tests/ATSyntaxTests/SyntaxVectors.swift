import FirehoseTesting

/// Loads the interop syntax vector files (`vectors/interop/syntax/*.txt`), one case per line.
enum SyntaxVectors {
    /// Case counts per file (non-empty, non-comment lines), asserted so a missing or changed file fails.
    static let expectedCounts: [String: Int] = [
        "atidentifier_syntax_valid.txt": 11, "atidentifier_syntax_invalid.txt": 22,
        "aturi_syntax_valid.txt": 23, "aturi_syntax_invalid.txt": 72,
        "datetime_syntax_valid.txt": 35, "datetime_syntax_invalid.txt": 45, "datetime_parse_invalid.txt": 7,
        "did_syntax_valid.txt": 24, "did_syntax_invalid.txt": 18,
        "handle_syntax_valid.txt": 71, "handle_syntax_invalid.txt": 48,
        "nsid_syntax_valid.txt": 25, "nsid_syntax_invalid.txt": 27,
        "recordkey_syntax_valid.txt": 16, "recordkey_syntax_invalid.txt": 11,
        "tid_syntax_valid.txt": 4, "tid_syntax_invalid.txt": 9,
    ]

    /// The cases of one file; empty when the file cannot be read (the count test then fails).
    static func cases(_ file: String) -> [String] {
        (try? Vectors.lines("interop/syntax/" + file)) ?? []
    }
}
