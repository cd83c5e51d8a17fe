extension DAGCBORReader {
    /// Reads past one complete data item without building it, refusing exactly what ``readValue()`` refuses.
    public mutating func skipValue() throws(IPLDError) {
        try skipValue(depth: 0)
    }

    /// Reads one data item that should be a map, building only the values of the keys in `wanted` and skipping the
    /// others (validated as ``readValue()`` validates them). Returns nil when the item is valid but not a map.
    public mutating func readMap(selecting wanted: Set<String>) throws(IPLDError) -> [String: IPLDValue]? {
        guard offset < buffer.count else { throw IPLDError(.truncated, "input ended where an item was expected", offset: offset) }
        guard buffer[offset] >> 5 == 5 else {
            try skipValue(depth: 0)
            return nil
        }
        let start = offset
        let head = try readHead()
        guard limits.maxDepth > 0 else {
            throw IPLDError(.nestingTooDeep, "nesting exceeds \(limits.maxDepth) levels", offset: start)
        }
        let count = try checkedLength(head.argument, minimumBytesEach: 2, cap: limits.maxContainerEntries, start: start, what: "map")
        var selected: [String: IPLDValue] = [:]
        try walkMap(count: count, depth: 0, wanted: wanted, into: &selected)
        return selected
    }

    mutating func skipValue(depth: Int) throws(IPLDError) {
        let start = offset
        let head = try readHead()
        switch head.major {
        case 0, 1:
            guard head.argument <= UInt64(Int64.max) else {
                throw IPLDError(.integerOutOfRange, "integer exceeds the signed 64-bit range", offset: start)
            }
        case 2:
            let length = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "byte string")
            offset += length
        case 3:
            try skipTextBody(argument: head.argument, start: start)
        case 4:
            guard depth < limits.maxDepth else {
                throw IPLDError(.nestingTooDeep, "nesting exceeds \(limits.maxDepth) levels", offset: start)
            }
            let count = try checkedLength(head.argument, minimumBytesEach: 1, cap: limits.maxContainerEntries, start: start, what: "array")
            for _ in 0..<count { try skipValue(depth: depth + 1) }
        case 5:
            guard depth < limits.maxDepth else {
                throw IPLDError(.nestingTooDeep, "nesting exceeds \(limits.maxDepth) levels", offset: start)
            }
            let count = try checkedLength(head.argument, minimumBytesEach: 2, cap: limits.maxContainerEntries, start: start, what: "map")
            var none: [String: IPLDValue] = [:]
            try walkMap(count: count, depth: depth, wanted: [], into: &none)
        case 6:
            guard head.argument == 42 else {
                throw IPLDError(.forbiddenTag, "tag \(head.argument) is not allowed (only 42)", offset: start)
            }
            _ = try readLinkBody(start: start)
        default:  // 7
            switch head.info {
            case 20, 21, 22: return
            case 25, 26, 27:
                throw IPLDError(.floatForbidden, "floating-point numbers are not allowed", offset: start)
            default:
                throw IPLDError(.forbiddenSimpleValue, "simple value \(head.argument) is not allowed", offset: start)
            }
        }
    }

    /// The entries of a map whose head was read (at nesting `depth`): keys checked as ``readValue()`` checks them,
    /// the values of `wanted` keys built into `selected`, the others skipped.
    mutating func walkMap(count: Int, depth: Int, wanted: Set<String>, into selected: inout [String: IPLDValue]) throws(IPLDError) {
        let entriesStart = offset
        var previousKey: UnsafeRawBufferPointer? = nil
        // As in `readValue`: keys that are canonically equivalent strings would collapse into one entry. While every
        // key is ASCII no two can be (they are distinct bytes, strictly ordered), so the set of keys is built only at
        // the first other key, from the keys before it, and the same refusal comes at the same place.
        var seen: Set<String>? = nil
        for index in 0..<count {
            let keyStart = offset
            let keyBytes = try readMapKey(after: &previousKey)
            if seen == nil, !DAGCBORReader.isASCII(keyBytes) { seen = try keys(ofEntries: index, from: entriesStart, depth: depth) }
            let key: String? = wanted.isEmpty && seen == nil ? nil : String(decoding: keyBytes, as: UTF8.self)
            if let key, wanted.contains(key) {
                selected[key] = try readValue(depth: depth + 1)
            } else {
                try skipValue(depth: depth + 1)
            }
            if let key, seen != nil {
                guard seen!.insert(key).inserted else {
                    throw IPLDError(.duplicateMapKey, "map key \"\(key)\" is canonically equivalent to an earlier key", offset: keyStart)
                }
            }
        }
    }

    /// The keys of the first `count` entries of a map whose entries start at `start` (already read and checked), read
    /// again without moving this reader.
    private func keys(ofEntries count: Int, from start: Int, depth: Int) throws(IPLDError) -> Set<String> {
        var again = DAGCBORReader(buffer, offset: start, limits: limits)
        var keys: Set<String> = []
        for _ in 0..<count {
            keys.insert(String(decoding: try again.readMapKeyBytes(), as: UTF8.self))
            try again.skipValue(depth: depth + 1)
        }
        return keys
    }

    /// Skips a text string whose head was read, validating it as ``readTextBody(argument:start:)`` does (the same
    /// refusals) without building the string when its bytes are ASCII.
    mutating func skipTextBody(argument: UInt64, start: Int) throws(IPLDError) {
        let length = try checkedLength(argument, minimumBytesEach: 1, cap: limits.maxStringLength, start: start, what: "text string")
        let raw = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
        guard DAGCBORReader.isASCII(raw) else {
            _ = try readTextBody(argument: argument, start: start)
            return
        }
        offset += length
    }
}
