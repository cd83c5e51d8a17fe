import NIOCore
import PostgresNIO

/// One column of a multi-row statement: the values of every row, sent as one array parameter in PostgreSQL's
/// binary array format and read back as rows by `unnest($1::text[], $2::bytea[], …)`. Elements are written
/// straight into one buffer as they are appended (no per-value parameter, no intermediate copies); a nil value is
/// a NULL element.
struct ColumnArray: PostgresDynamicTypeEncodable {
    /// The PostgreSQL type of the elements.
    enum Element {
        case text, bytea, bigint, smallint, integer, boolean

        /// The element type's OID.
        var type: PostgresDataType {
            switch self {
            case .text: return .text
            case .bytea: return .bytea
            case .bigint: return .int8
            case .smallint: return .int2
            case .integer: return .int4
            case .boolean: return .bool
            }
        }

        /// The array type's OID.
        var arrayType: PostgresDataType {
            switch self {
            case .text: return .textArray
            case .bytea: return .byteaArray
            case .bigint: return .int8Array
            case .smallint: return .int2Array
            case .integer: return .int4Array
            case .boolean: return .boolArray
            }
        }
    }

    /// The type of the elements.
    let element: Element
    /// Number of elements appended.
    private(set) var count = 0
    /// Each element as the wire has it: a 32-bit length (−1 for NULL) and its bytes.
    private var elements: ByteBuffer

    /// An empty column of `element` values with room for about `capacity` bytes.
    init(_ element: Element, capacity: Int = 256) {
        self.element = element
        elements = ByteBufferAllocator().buffer(capacity: capacity)
    }

    var psqlType: PostgresDataType { element.arrayType }
    var psqlFormat: PostgresFormat { .binary }

    /// Appends a NULL element.
    mutating func appendNull() {
        elements.writeInteger(-1, as: Int32.self)
        count += 1
    }

    /// Appends a text value (its UTF-8 bytes; U+0000 stored as U+FFFD, ``PostgresText``).
    mutating func append(_ text: String?) {
        precondition(element == .text, "a \(element) column takes no text")
        guard let text else { return appendNull() }
        let lengthAt = elements.writerIndex
        elements.writeInteger(0, as: Int32.self)
        let written = elements.writeString(PostgresText.storable(text))
        elements.setInteger(Int32(written), at: lengthAt)
        count += 1
    }

    /// Appends a bytea value.
    mutating func append(bytes: [UInt8]?) {
        precondition(element == .bytea, "a \(element) column takes no bytes")
        guard let bytes else { return appendNull() }
        elements.writeInteger(Int32(bytes.count))
        elements.writeBytes(bytes)
        count += 1
    }

    /// Appends an integer value, as the column's integer width (a value that does not fit it traps).
    mutating func append(_ value: Int64?) {
        guard let value else { return appendNull() }
        switch element {
        case .bigint:
            elements.writeInteger(8, as: Int32.self)
            elements.writeInteger(value)
        case .integer:
            elements.writeInteger(4, as: Int32.self)
            elements.writeInteger(Int32(value))
        case .smallint:
            elements.writeInteger(2, as: Int32.self)
            elements.writeInteger(Int16(value))
        case .text, .bytea, .boolean:
            preconditionFailure("a \(element) column takes no integer")
        }
        count += 1
    }

    /// Appends a boolean value.
    mutating func append(_ value: Bool?) {
        precondition(element == .boolean, "a \(element) column takes no boolean")
        guard let value else { return appendNull() }
        elements.writeInteger(1, as: Int32.self)
        elements.writeInteger(value ? 1 : 0, as: UInt8.self)
        count += 1
    }

    /// The array in PostgreSQL's binary format: dimensions, a has-NULL flag the server ignores, the element type,
    /// the length and lower bound of the one dimension, then the elements.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(element.type.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeImmutableBuffer(elements)
    }
}

/// The columns of one multi-row statement, bound in order as `$1`, `$2`, ….
struct ColumnArrays {
    /// The columns.
    var columns: [ColumnArray]

    /// Columns of these element types.
    init(_ elements: [ColumnArray.Element], capacity: Int = 256) {
        columns = elements.map { ColumnArray($0, capacity: capacity) }
    }

    /// Number of rows (the first column's count).
    var rows: Int { columns.first?.count ?? 0 }

    /// `unnest($1::T1[], $2::T2[], …)` over every column.
    static func unnest(_ elements: [ColumnArray.Element]) -> String {
        "unnest(" + elements.enumerated().map { "$\($0.offset + 1)::\(sqlName($0.element))[]" }.joined(separator: ", ") + ")"
    }

    /// The SQL name of an element type.
    static func sqlName(_ element: ColumnArray.Element) -> String {
        switch element {
        case .text: return "TEXT"
        case .bytea: return "BYTEA"
        case .bigint: return "BIGINT"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .boolean: return "BOOLEAN"
        }
    }

    /// The parameters: one array per column.
    var bindings: PostgresBindings {
        precondition(columns.allSatisfy { $0.count == rows }, "every column holds one value per row")
        var bindings = PostgresBindings(capacity: columns.count)
        for column in columns { bindings.append(column) }
        return bindings
    }
}
