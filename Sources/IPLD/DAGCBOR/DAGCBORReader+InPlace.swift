extension DAGCBORReader {
    /// Reads the head of a map and returns its entry count, checked as ``readValue()`` checks it (depth and
    /// container limits, the entries fitting the input). Returns nil, reading nothing, when the next item is not a
    /// map. The entries are then read one by one with ``readMapKey(after:)`` and a value read or skip.
    package mutating func readMapHead() throws(IPLDError) -> Int? {
        guard offset < buffer.count, buffer[offset] >> 5 == 5 else { return nil }
        let start = offset
        let head = try readHead()
        guard limits.maxDepth > 0 else {
            throw IPLDError(.nestingTooDeep, "nesting exceeds \(limits.maxDepth) levels", offset: start)
        }
        return try checkedLength(head.argument, minimumBytesEach: 2, cap: limits.maxContainerEntries, start: start, what: "map")
    }

    /// Reads the head of an array nested `depth` levels deep and returns its item count, checked as ``readValue()``
    /// checks it; nil, reading nothing, when the next item is not an array or when items that are containers would
    /// exceed the nesting limit (the caller then reads the array generically, which names the refusal).
    package mutating func readArrayHead(nestedIn depth: Int) throws(IPLDError) -> Int? {
        guard offset < buffer.count, buffer[offset] >> 5 == 4, depth + 1 < limits.maxDepth else { return nil }
        let start = offset
        let head = try readHead()
        return try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxContainerEntries, start: start, what: "array")
    }

    /// Reads one map key in place and returns its bytes (a view into the buffer), checked against the key before it
    /// (`previous`, updated) exactly as ``readValue()`` checks the keys of a map: text, strictly after `previous` in
    /// canonical order, valid UTF-8.
    package mutating func readMapKey(after previous: inout UnsafeRawBufferPointer?) throws(IPLDError) -> UnsafeRawBufferPointer {
        let start = offset
        // An ASCII key after `previous` is what `readCanonicalMapKey` accepts without building a string; any other
        // key is read again by it, so refusals and their errors are its own.
        if let key = try? readMapKeyBytes(), DAGCBORReader.isASCII(key),
           previous.map({ DAGCBORReader.compareKeys($0, key) == .orderedAscending }) ?? true {
            previous = key
            return key
        }
        offset = start
        _ = try readCanonicalMapKey(after: &previous)
        // `readCanonicalMapKey` leaves the key it accepted in `previous`.
        guard let key = previous else { throw IPLDError(.truncated, "map key was not read", offset: offset) }
        return key
    }

    /// Reads one complete data item that is nested `depth` levels deep (1 for the value of a top-level map's entry),
    /// so the nesting limit counts as it does when the whole item is read with ``readValue()``.
    package mutating func readValue(nestedIn depth: Int) throws(IPLDError) -> IPLDValue {
        let start = offset
        if offset < buffer.count, buffer[offset] >> 5 == 3 {
            // ASCII text needs no UTF-8 validation; any other text (or a refused head) is read by `readValue`.
            if let text = try? readASCIIText() { return .string(text) }
            offset = start
        }
        return try readValue(depth: depth)
    }

    /// Reads a byte string in place: the range of its bytes in the buffer, refused as ``readValue()`` refuses it; nil,
    /// with nothing read, when the next item is not a byte string.
    package mutating func readByteStringRange() throws(IPLDError) -> Range<Int>? {
        let start = offset
        guard offset < buffer.count, buffer[offset] >> 5 == 2 else { return nil }
        let head = try readHead()
        let length = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "byte string")
        defer { offset += length }
        return offset..<(offset + length)
    }

    /// Reads a text string in place: the range of its UTF-8 in the buffer, refused as ``readValue()`` refuses it
    /// (invalid UTF-8 included); nil, with nothing read, when the next item is not a text string.
    package mutating func readTextRange() throws(IPLDError) -> Range<Int>? {
        let start = offset
        guard offset < buffer.count, buffer[offset] >> 5 == 3 else { return nil }
        let head = try readHead()
        let length = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "text string")
        let range = offset..<(offset + length)
        let raw = UnsafeRawBufferPointer(rebasing: buffer[range])
        guard DAGCBORReader.isASCII(raw) || String(validating: raw, as: UTF8.self) != nil else {
            throw IPLDError(.invalidUTF8, "text string is not valid UTF-8", offset: start)
        }
        offset += length
        return range
    }

    /// Reads a text string whose bytes are all ASCII; nil (the offset then undefined) for other text.
    private mutating func readASCIIText() throws(IPLDError) -> String? {
        let start = offset
        let head = try readHead()
        let length = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "text string")
        let raw = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
        guard DAGCBORReader.isASCII(raw) else { return nil }
        offset += length
        return raw.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
    }

    /// True when every byte of `bytes` is below 0x80.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte >= 0x80 { return false }
        return true
    }

    /// True when `key` (from ``readMapKey(after:)``) is exactly the ASCII bytes of `literal`.
    package static func key(_ key: UnsafeRawBufferPointer, is literal: StaticString) -> Bool {
        guard key.count == literal.utf8CodeUnitCount else { return false }
        let expected = literal.utf8Start
        for index in 0..<key.count where key[index] != expected[index] { return false }
        return true
    }
}
