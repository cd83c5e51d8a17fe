/// Resource limits applied by ``DAGCBORReader`` (atproto data-validation guide).
public struct DAGCBORLimits: Sendable, Hashable {
    /// Maximum nesting of arrays and maps (a top-level map is depth 1).
    public var maxDepth: Int
    /// Maximum number of entries in one array or map.
    public var maxContainerEntries: Int
    /// Maximum length of one byte or text string.
    public var maxStringLength: Int
    /// Maximum length in bytes of one map key (data-validation guide: 8192).
    public var maxKeyLength: Int

    /// Creates limits.
    public init(maxDepth: Int = 32, maxContainerEntries: Int = 131_072, maxStringLength: Int = 5_000_000, maxKeyLength: Int = 8192) {
        self.maxDepth = maxDepth
        self.maxContainerEntries = maxContainerEntries
        self.maxStringLength = maxStringLength
        self.maxKeyLength = maxKeyLength
    }

    /// The atproto defaults: depth 32, 131,072 entries, strings up to 5 MB, map keys up to 8192 bytes.
    public static let atproto = DAGCBORLimits()
}
