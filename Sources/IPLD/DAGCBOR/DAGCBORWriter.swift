/// A canonical DAG-CBOR writer: shortest integer and length forms, definite lengths, map keys sorted
/// length-first then bytewise, CIDs as tag 42 over `0x00 ‖ binary CID`.
///
/// For every block the strict reader accepts, `encode(decode(b)) == b`.
public struct DAGCBORWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates a writer, optionally reserving capacity.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes an item head with the shortest argument form.
    public mutating func writeHead(major: UInt8, argument: UInt64) {
        let m = major << 5
        switch argument {
        case 0..<24:
            bytes.append(m | UInt8(argument))
        case 24...0xff:
            bytes.append(m | 24)
            bytes.append(UInt8(argument))
        case 0x100...0xffff:
            bytes.append(m | 25)
            bytes.append(UInt8(truncatingIfNeeded: argument >> 8))
            bytes.append(UInt8(truncatingIfNeeded: argument))
        case 0x1_0000...0xffff_ffff:
            bytes.append(m | 26)
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        default:
            bytes.append(m | 27)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        }
    }

    /// Writes a signed integer.
    public mutating func writeInt(_ value: Int64) {
        if value >= 0 {
            writeHead(major: 0, argument: UInt64(value))
        } else {
            writeHead(major: 1, argument: UInt64(-1 - value))
        }
    }

    /// Writes a text string.
    public mutating func writeString(_ value: String) {
        var copy = value
        copy.withUTF8 { utf8 in
            writeHead(major: 3, argument: UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes a byte string.
    public mutating func writeBytes(_ value: some Collection<UInt8>) {
        writeHead(major: 2, argument: UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a CID link (tag 42).
    public mutating func writeLink(_ cid: CID) {
        bytes.append(0xd8)
        bytes.append(42)
        writeHead(major: 2, argument: UInt64(CID.binaryLength + 1))
        bytes.append(0x00)
        cid.append(to: &bytes)
    }

    /// Appends bytes that are already one or more canonical items (e.g. another writer's output).
    public mutating func writeRaw(_ encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// Writes null.
    public mutating func writeNull() { bytes.append(0xf6) }

    /// Writes a boolean.
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 0xf5 : 0xf4) }

    /// Writes an array head for `count` items (the caller writes them next).
    public mutating func writeArrayHead(count: Int) { writeHead(major: 4, argument: UInt64(count)) }

    /// Writes a map head for `count` entries (the caller writes keys in canonical order).
    public mutating func writeMapHead(count: Int) { writeHead(major: 5, argument: UInt64(count)) }

    /// Writes any data-model value canonically.
    public mutating func write(_ value: IPLDValue) {
        switch value {
        case .null: writeNull()
        case .bool(let b): writeBool(b)
        case .int(let i): writeInt(i)
        case .string(let s): writeString(s)
        case .bytes(let b): writeBytes(b)
        case .link(let cid): writeLink(cid)
        case .list(let items):
            writeArrayHead(count: items.count)
            for item in items { write(item) }
        case .map(let entries):
            writeMapHead(count: entries.count)
            for key in entries.keys.sorted(by: DAGCBORWriter.canonicalKeyOrder) {
                writeString(key)
                write(entries[key]!)
            }
        }
    }

    /// Canonical key order: shorter UTF-8 first, then bytewise.
    public static func canonicalKeyOrder(_ a: String, _ b: String) -> Bool {
        let ca = a.utf8.count, cb = b.utf8.count
        if ca != cb { return ca < cb }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
