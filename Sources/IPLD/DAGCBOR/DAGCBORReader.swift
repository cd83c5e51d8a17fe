/// A strict DAG-CBOR (DRISL) reader for the atproto data model.
///
/// Refuses, each with its own ``IPLDError/Code``: non-minimal integers and lengths, indefinite lengths,
/// floats, tags other than 42, CIDs without the 0x00 prefix, non-text/duplicate/unsorted map keys,
/// invalid UTF-8, simple values other than false/true/null, nesting and container sizes beyond
/// ``DAGCBORLimits``, and (through ``DAGCBOR/decode(_:limits:)``) trailing bytes.
/// See https://atproto.com/specs/data-model and https://dasl.ing/drisl.html.
public struct DAGCBORReader: ~Copyable {
    let buffer: UnsafeRawBufferPointer
    /// The current read position.
    public internal(set) var offset: Int
    let limits: DAGCBORLimits

    /// Creates a reader over `buffer` starting at `offset`. The buffer must outlive the reader.
    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0, limits: DAGCBORLimits = .atproto) {
        self.buffer = buffer
        self.offset = offset
        self.limits = limits
    }

    /// True when every byte has been consumed.
    public var isAtEnd: Bool { offset >= buffer.count }

    /// Reads one complete data item.
    public mutating func readValue() throws(IPLDError) -> IPLDValue {
        try readValue(depth: 0)
    }

    // MARK: - Heads

    /// Reads an item head: the major type and its argument (value or length), enforcing minimal form.
    mutating func readHead() throws(IPLDError) -> (major: UInt8, argument: UInt64, info: UInt8) {
        let start = offset
        guard offset < buffer.count else { throw IPLDError(.truncated, "input ended where an item was expected", offset: start) }
        let initial = buffer[offset]
        offset += 1
        let major = initial >> 5
        let info = initial & 0x1f
        let argument: UInt64
        switch info {
        case 0..<24:
            argument = UInt64(info)
        case 24:
            argument = UInt64(try readByte(start: start))
            if major != 7 && argument < 24 { throw nonMinimal(major, start) }
        case 25:
            argument = try readBigEndian(2, start: start)
            if major != 7 && argument <= 0xff { throw nonMinimal(major, start) }
        case 26:
            argument = try readBigEndian(4, start: start)
            if major != 7 && argument <= 0xffff { throw nonMinimal(major, start) }
        case 27:
            argument = try readBigEndian(8, start: start)
            if major != 7 && argument <= 0xffff_ffff { throw nonMinimal(major, start) }
        case 28, 29, 30:
            throw IPLDError(.reservedAdditionalInfo, "additional information \(info) is reserved", offset: start)
        default:  // 31
            if major == 7 {
                throw IPLDError(.indefiniteLength, "unexpected break byte", offset: start)
            }
            throw IPLDError(.indefiniteLength, "indefinite-length items are not allowed", offset: start)
        }
        return (major, argument, info)
    }

    func nonMinimal(_ major: UInt8, _ start: Int) -> IPLDError {
        if major == 0 || major == 1 || major == 6 {
            return IPLDError(.nonMinimalInteger, "integer is not in its shortest form", offset: start)
        }
        return IPLDError(.nonMinimalLength, "length is not in its shortest form", offset: start)
    }

    mutating func readByte(start: Int) throws(IPLDError) -> UInt8 {
        guard offset < buffer.count else { throw IPLDError(.truncated, "item head is truncated", offset: start) }
        let byte = buffer[offset]
        offset += 1
        return byte
    }

    mutating func readBigEndian(_ count: Int, start: Int) throws(IPLDError) -> UInt64 {
        guard buffer.count - offset >= count else { throw IPLDError(.truncated, "item head is truncated", offset: start) }
        var value: UInt64 = 0
        for index in 0..<count { value = value << 8 | UInt64(buffer[offset + index]) }
        offset += count
        return value
    }

    /// Reads a length argument and checks it against the remaining input and a cap.
    mutating func checkedLength(_ argument: UInt64, minimumBytesEach: Int, cap: Int, start: Int, what: String) throws(IPLDError) -> Int {
        guard argument <= UInt64(cap) else {
            let code: IPLDError.Code = minimumBytesEach == 1 && what.hasSuffix("string") ? .lengthTooLarge : .containerTooLarge
            throw IPLDError(code, "\(what) of \(argument) entries exceeds the limit of \(cap)", offset: start)
        }
        let length = Int(argument)
        guard length <= (buffer.count - offset) / minimumBytesEach else {
            throw IPLDError(.truncated, "\(what) of length \(length) runs past the end of the input", offset: start)
        }
        return length
    }

    // MARK: - Items

    mutating func readValue(depth: Int) throws(IPLDError) -> IPLDValue {
        let start = offset
        let head = try readHead()
        switch head.major {
        case 0:
            guard head.argument <= UInt64(Int64.max) else {
                throw IPLDError(.integerOutOfRange, "integer \(head.argument) exceeds the signed 64-bit range", offset: start)
            }
            return .int(Int64(head.argument))
        case 1:
            guard head.argument <= UInt64(Int64.max) else {
                throw IPLDError(.integerOutOfRange, "negative integer exceeds the signed 64-bit range", offset: start)
            }
            return .int(-1 - Int64(head.argument))
        case 2:
            let length = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "byte string")
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)]))
            offset += length
            return .bytes(bytes)
        case 3:
            return .string(try readTextBody(argument: head.argument, start: start))
        case 4:
            guard depth < limits.maxDepth else {
                throw IPLDError(.nestingTooDeep, "nesting exceeds \(limits.maxDepth) levels", offset: start)
            }
            let count = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxContainerEntries, start: start, what: "array")
            var items: [IPLDValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try readValue(depth: depth + 1)) }
            return .list(items)
        case 5:
            guard depth < limits.maxDepth else {
                throw IPLDError(.nestingTooDeep, "nesting exceeds \(limits.maxDepth) levels", offset: start)
            }
            let count = try checkedLength(head.argument, minimumBytesEach: 2, cap: limits.maxContainerEntries, start: start, what: "map")
            var entries: [String: IPLDValue] = Dictionary(minimumCapacity: count)
            var previousKey: UnsafeRawBufferPointer? = nil
            for _ in 0..<count {
                let (key, keyStart) = try readCanonicalMapKey(after: &previousKey)
                let value = try readValue(depth: depth + 1)
                // Swift `String` equality is Unicode canonical equivalence, so two distinct byte sequences
                // (e.g. precomposed and decomposed "é") would collapse into one dictionary entry and lose
                // data. Refuse such maps rather than decode them lossily.
                guard entries.updateValue(value, forKey: key) == nil else {
                    throw IPLDError(.duplicateMapKey, "map key \"\(key)\" is canonically equivalent to an earlier key", offset: keyStart)
                }
            }
            return .map(entries)
        case 6:
            guard head.argument == 42 else {
                throw IPLDError(.forbiddenTag, "tag \(head.argument) is not allowed (only 42)", offset: start)
            }
            return .link(try readLinkBody(start: start))
        default:  // 7
            switch head.info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 25, 26, 27:
                throw IPLDError(.floatForbidden, "floating-point numbers are not allowed", offset: start)
            default:
                throw IPLDError(.forbiddenSimpleValue, "simple value \(head.argument) is not allowed", offset: start)
            }
        }
    }

    /// Reads a text string body after its head and validates UTF-8.
    mutating func readTextBody(argument: UInt64, start: Int) throws(IPLDError) -> String {
        let length = try checkedLength(argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "text string")
        let raw = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw IPLDError(.invalidUTF8, "text string is not valid UTF-8", offset: start)
        }
        offset += length
        return text
    }

    /// Reads one map key (its start offset returned too) and checks it against the key before it (`previous`,
    /// updated): strictly after it in canonical order and valid UTF-8. Used by every map walk of this reader, so
    /// building and skipping refuse the same keys.
    mutating func readCanonicalMapKey(after previous: inout UnsafeRawBufferPointer?) throws(IPLDError) -> (key: String, start: Int) {
        let keyStart = offset
        let keyBytes = try readMapKeyBytes()
        if let previous {
            switch DAGCBORReader.compareKeys(previous, keyBytes) {
            case .orderedSame:
                throw IPLDError(.duplicateMapKey, "map key \"\(String(decoding: keyBytes, as: UTF8.self))\" appears twice", offset: keyStart)
            case .orderedDescending:
                throw IPLDError(.unsortedMapKeys, "map key \"\(String(decoding: keyBytes, as: UTF8.self))\" is out of canonical order", offset: keyStart)
            case .orderedAscending:
                break
            }
        }
        guard let key = String(validating: keyBytes, as: UTF8.self) else {
            throw IPLDError(.invalidUTF8, "map key is not valid UTF-8", offset: keyStart)
        }
        previous = keyBytes
        return (key, keyStart)
    }

    /// Reads a map key (which must be a text string) and returns its raw bytes.
    mutating func readMapKeyBytes() throws(IPLDError) -> UnsafeRawBufferPointer {
        let start = offset
        let head = try readHead()
        guard head.major == 3 else {
            throw IPLDError(.mapKeyNotText, "map keys must be text strings (found major type \(head.major))", offset: start)
        }
        let length = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxKeyLength, start: start, what: "map key string")
        let raw = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
        offset += length
        return raw
    }

    /// Reads the byte string of a tag-42 link: 0x00 followed by a binary CID that fills it exactly.
    mutating func readLinkBody(start: Int) throws(IPLDError) -> CID {
        let inner = try readHead()
        guard inner.major == 2 else {
            throw IPLDError(.invalidCID, "tag 42 must wrap a byte string", offset: start)
        }
        let length = try checkedLength(inner.argument, minimumBytesEach: 1, cap: 100, start: start, what: "CID byte string")
        guard length >= 1, buffer[offset] == 0x00 else {
            throw IPLDError(.cidMissingPrefix, "CID byte string lacks the 0x00 multibase prefix", offset: start)
        }
        let body = UnsafeRawBufferPointer(rebasing: buffer[(offset + 1)..<(offset + length)])
        var cidOffset = 0
        let cid: CID
        do {
            cid = try CID.parse(body, offset: &cidOffset)
        } catch {
            throw IPLDError(error.code == .truncated ? .invalidCID : error.code, error.reason, offset: start)
        }
        guard cidOffset == body.count else {
            throw IPLDError(.invalidCID, "bytes follow the CID inside tag 42", offset: start)
        }
        offset += length
        return cid
    }

    /// Canonical DAG-CBOR key order: shorter first, then bytewise.
    static func compareKeys(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> KeyOrder {
        if a.count != b.count { return a.count < b.count ? .orderedAscending : .orderedDescending }
        for index in 0..<a.count where a[index] != b[index] {
            return a[index] < b[index] ? .orderedAscending : .orderedDescending
        }
        return .orderedSame
    }

    enum KeyOrder { case orderedAscending, orderedSame, orderedDescending }
}
