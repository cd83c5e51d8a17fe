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
            _ = try readTextBody(argument: head.argument, start: start)
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
        var previousKey: UnsafeRawBufferPointer? = nil
        var seen: Set<String> = []
        for _ in 0..<count {
            let (key, keyStart) = try readCanonicalMapKey(after: &previousKey)
            if wanted.contains(key) {
                selected[key] = try readValue(depth: depth + 1)
            } else {
                try skipValue(depth: depth + 1)
            }
            // As in `readValue`: keys that are canonically equivalent strings would collapse into one entry.
            guard seen.insert(key).inserted else {
                throw IPLDError(.duplicateMapKey, "map key \"\(key)\" is canonically equivalent to an earlier key", offset: keyStart)
            }
        }
    }
}
