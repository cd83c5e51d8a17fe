/// One stored value as `breakwater db copy` carries it between backends, typed as SQLite stores it.
public enum ColumnValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// An integer (also booleans and small codes).
    case integer(Int64)
    /// A floating-point number.
    case real(Double)
    /// Text.
    case text(String)
    /// Bytes.
    case blob([UInt8])
}
