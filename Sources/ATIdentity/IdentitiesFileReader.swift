import ATSyntax
import Foundation

/// Reads an identities file (Docs/CONTRACT.md §2) in one pass over its bytes, straight into the tables of a
/// ``StaticIdentityDirectory``: each DID, key and PDS URL string is built once, no JSON tree is built, and no key is
/// parsed (``StaticIdentityDirectory/LazyKey``).
///
/// The entries the tools write are read here: the short form (`signingKey`, optional `pds` and `privateKey`, optional
/// `previousKeys` of `{signingKey, beforeSeq, privateKey?}`) whose strings are printable ASCII without escapes and whose
/// `beforeSeq` is a plain integer. Any other entry (a DID document, an escape, an unknown or repeated member, another
/// number, another type) is checked here as JSON (nesting at most ``maximumDepth``) and its bytes are read by the
/// generic reader (``IdentityJSON``, ``StaticIdentities/decodeEntry(_:did:)``), as the whole file would have read it.
///
/// Whatever else is unusual makes the reader decline the whole file (nil): a top level that is not one object, a key
/// that is not a DID, has an escape or is repeated, an entry the generic reader refuses, a byte outside printable
/// ASCII in a string, a syntax error, bytes after the object. The caller then reads the file with the generic path,
/// which gives today's verdict and today's error code and text; the reader itself never refuses.
struct IdentitiesFileReader {
    /// The directory's tables, as ``StaticIdentityDirectory/init(identities:)`` builds them from the same file.
    struct Tables {
        /// Each DID's key slots: the current key first, then its history in file order.
        var slots: [String: [StaticIdentityDirectory.Slot]] = [:]
        /// Each DID's PDS host label (DIDs of one PDS URL share one string).
        var hosts: [String: String] = [:]
        /// How many entries were read by the generic reader.
        var genericEntries = 0
    }

    /// How deep an entry read by the generic reader may nest (deeper: the whole file is declined).
    static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var tables = Tables()
    private var labels = StaticIdentityDirectory.HostLabels()

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A short-form entry takes at least about a hundred bytes: room for the likely number of DIDs up front.
        let likely = min(bytes.count / 128, 1 << 20)
        tables.slots.reserveCapacity(likely)
        tables.hosts.reserveCapacity(likely)
    }

    /// The tables of the identities file `bytes`; nil when the file is left to the generic path.
    static func read(_ bytes: UnsafeRawBufferPointer) -> Tables? {
        var reader = IdentitiesFileReader(bytes)
        guard reader.readFile() else { return nil }
        return reader.tables
    }

    // MARK: - The file

    private mutating func readFile() -> Bool {
        skipWhitespace()
        guard consume(Byte.openBrace) else { return false }
        skipWhitespace()
        if consume(Byte.closeBrace) { return atEnd() }
        while true {
            guard let key = plainString() else { return false }
            let did = string(key)
            guard DID.isValid(did) else { return false }
            skipWhitespace()
            guard consume(Byte.colon) else { return false }
            skipWhitespace()
            guard readEntry(did) else { return false }
            skipWhitespace()
            if consume(Byte.comma) {
                skipWhitespace()
                continue
            }
            guard consume(Byte.closeBrace) else { return false }
            return atEnd()
        }
    }

    /// Only whitespace follows.
    private mutating func atEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    /// One entry: the short form here, anything else through the generic reader.
    private mutating func readEntry(_ did: String) -> Bool {
        let start = index
        if let short = shortForm() {
            var slots = [StaticIdentityDirectory.Slot(key: .init(.shortForm(string(short.signingKey))), beforeSeq: nil)]
            for previous in short.history {
                slots.append(.init(key: .init(.didKey(string(previous.signingKey))), beforeSeq: previous.beforeSeq))
            }
            return insert(did, slots: slots, pds: short.pds.map(string))
        }
        index = start
        guard skipValue(depth: 0) else { return false }
        return genericEntry(did, bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    }

    /// An entry read as the generic path reads it: its bytes as ``IdentityJSON``, then
    /// ``StaticIdentities/decodeEntry(_:did:)``; false when that refuses it.
    private mutating func genericEntry(_ did: String, bytes entryBytes: UnsafeRawBufferPointer) -> Bool {
        guard let parsed = try? DID(did), let json = try? IdentityJSON(data: Data(entryBytes)),
              let decoded = try? StaticIdentities.decodeEntry(json, did: parsed)
        else { return false }
        let current = StaticIdentityDirectory.currentKey(of: decoded.entry, did: parsed)
        var slots = [StaticIdentityDirectory.Slot(key: current.key, beforeSeq: nil)]
        for previous in decoded.previousKeys {
            slots.append(.init(key: .init(.didKey(previous.signingKey)), beforeSeq: previous.beforeSeq))
        }
        tables.genericEntries += 1
        return insert(did, slots: slots, pds: current.pds)
    }

    /// Adds the entry of `did`; false when the file already had one (the generic path decides what a repeated key
    /// means).
    private mutating func insert(_ did: String, slots: [StaticIdentityDirectory.Slot], pds: String?) -> Bool {
        guard tables.slots.updateValue(slots, forKey: did) == nil else { return false }
        if let pds, let label = labels.label(for: pds) { tables.hosts[did] = label }
        return true
    }

    // MARK: - The short form

    /// A short-form entry as byte ranges of the file.
    private struct ShortEntry {
        var signingKey: Range<Int>
        var pds: Range<Int>?
        var history: [(signingKey: Range<Int>, beforeSeq: Int64)]
    }

    /// The short-form entry at the cursor, nil when the entry is anything else (the cursor is then anywhere in it).
    private mutating func shortForm() -> ShortEntry? {
        var signingKey: Range<Int>?
        var pds: Range<Int>?
        var seenPDS = false, seenPrivateKey = false, seenHistory = false
        var history: [(signingKey: Range<Int>, beforeSeq: Int64)] = []
        let read = members { reader, name in
            if reader.equals(name, Name.signingKey) {
                guard signingKey == nil, let value = reader.plainString() else { return false }
                signingKey = value
            } else if reader.equals(name, Name.pds) {
                guard !seenPDS, let value = reader.nullOrPlainString() else { return false }
                seenPDS = true
                pds = value
            } else if reader.equals(name, Name.privateKey) {
                guard !seenPrivateKey, reader.nullOrPlainString() != nil else { return false }
                seenPrivateKey = true
            } else if reader.equals(name, Name.previousKeys) {
                guard !seenHistory, let items = reader.previousKeys() else { return false }
                seenHistory = true
                history = items
            } else {
                return false
            }
            return true
        }
        guard read, let signingKey, isDIDKey(signingKey) else { return nil }
        return ShortEntry(signingKey: signingKey, pds: pds, history: history)
    }

    /// Reads an object of one or more members at the cursor, handing each member's name to `member`, which reads its
    /// value (false: not the usual shape). False unless the whole object was read.
    private mutating func members(_ member: (inout IdentitiesFileReader, Range<Int>) -> Bool) -> Bool {
        guard consume(Byte.openBrace) else { return false }
        repeat {
            skipWhitespace()
            guard let name = plainString() else { return false }
            skipWhitespace()
            guard consume(Byte.colon) else { return false }
            skipWhitespace()
            guard member(&self, name) else { return false }
            skipWhitespace()
        } while consume(Byte.comma)
        return consume(Byte.closeBrace)
    }

    /// A `previousKeys` array of `{signingKey, beforeSeq, privateKey?}` objects.
    private mutating func previousKeys() -> [(signingKey: Range<Int>, beforeSeq: Int64)]? {
        guard consume(Byte.openBracket) else { return nil }
        skipWhitespace()
        var items: [(signingKey: Range<Int>, beforeSeq: Int64)] = []
        if consume(Byte.closeBracket) { return items }
        repeat {
            skipWhitespace()
            guard let item = previousKey() else { return nil }
            items.append(item)
            skipWhitespace()
        } while consume(Byte.comma)
        return consume(Byte.closeBracket) ? items : nil
    }

    /// One `{signingKey, beforeSeq, privateKey?}` object.
    private mutating func previousKey() -> (signingKey: Range<Int>, beforeSeq: Int64)? {
        var signingKey: Range<Int>?
        var beforeSeq: Int64?
        var seenPrivateKey = false
        let read = members { reader, name in
            if reader.equals(name, Name.signingKey) {
                guard signingKey == nil, let value = reader.plainString() else { return false }
                signingKey = value
            } else if reader.equals(name, Name.beforeSeq) {
                guard beforeSeq == nil, let value = reader.plainInteger() else { return false }
                beforeSeq = value
            } else if reader.equals(name, Name.privateKey) {
                guard !seenPrivateKey, reader.plainString() != nil else { return false }
                seenPrivateKey = true
            } else {
                return false
            }
            return true
        }
        guard read, let signingKey, let beforeSeq else { return nil }
        return (signingKey, beforeSeq)
    }

    /// Whether the string at `range` is a key the short form takes (`did:key:z…`, as ``SigningKeyReference/init(didKey:)``
    /// checks it; the string is ASCII, so its bytes are its characters).
    private func isDIDKey(_ range: Range<Int>) -> Bool {
        range.count > Name.didKeyPrefix.count && equals(range.lowerBound..<range.lowerBound + Name.didKeyPrefix.count, Name.didKeyPrefix)
    }

    // MARK: - Tokens

    /// A string of printable ASCII without escapes: the range of its contents. Nil (the cursor unchanged) for anything
    /// else.
    private mutating func plainString() -> Range<Int>? {
        guard index < bytes.count, bytes[index] == Byte.quote else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == Byte.quote {
                index = end + 1
                return start..<end
            }
            guard byte >= 0x20, byte < 0x7F, byte != Byte.backslash else { return nil }
            end += 1
        }
        return nil
    }

    /// `null` (`.some(nil)`) or a plain string; nil for anything else.
    private mutating func nullOrPlainString() -> Range<Int>?? {
        if let range = plainString() { return .some(range) }
        guard literal(Name.null) else { return nil }
        return .some(nil)
    }

    /// An integer written as JSON writes it, of at most 18 digits (so it fits an `Int64`), not followed by a fraction
    /// or an exponent; nil for any other number.
    private mutating func plainInteger() -> Int64? {
        var cursor = index
        let negative = cursor < bytes.count && bytes[cursor] == Byte.minus
        if negative { cursor += 1 }
        let digitsStart = cursor
        var value: Int64 = 0
        while cursor < bytes.count, Byte.isDigit(bytes[cursor]), cursor - digitsStart < 18 {
            value = value * 10 + Int64(bytes[cursor] - Byte.zero)
            cursor += 1
        }
        let digits = cursor - digitsStart
        guard digits > 0, digits == 1 || bytes[digitsStart] != Byte.zero else { return nil }
        if cursor < bytes.count {
            let next = bytes[cursor]
            guard !Byte.isDigit(next), next != Byte.dot, next != Byte.lowerE, next != Byte.upperE else { return nil }
        }
        index = cursor
        return negative ? -value : value
    }

    /// Consumes `word` (a JSON literal) when it is next.
    private mutating func literal(_ word: [UInt8]) -> Bool {
        guard bytes.count - index >= word.count, equals(index..<index + word.count, word) else { return false }
        index += word.count
        return true
    }

    private func equals(_ range: Range<Int>, _ name: [UInt8]) -> Bool {
        guard range.count == name.count else { return false }
        var offset = 0
        while offset < name.count {
            if bytes[range.lowerBound + offset] != name[offset] { return false }
            offset += 1
        }
        return true
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case Byte.space, Byte.tab, Byte.lineFeed, Byte.carriageReturn: index += 1
            default: return
            }
        }
    }

    // MARK: - Any JSON value (entries for the generic reader)

    /// Steps over one JSON value, checking its syntax; false on a syntax error, a string byte outside printable ASCII,
    /// or nesting deeper than ``maximumDepth``.
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < Self.maximumDepth, index < bytes.count else { return false }
        switch bytes[index] {
        case Byte.openBrace:
            index += 1
            skipWhitespace()
            if consume(Byte.closeBrace) { return true }
            repeat {
                skipWhitespace()
                guard skipString() else { return false }
                skipWhitespace()
                guard consume(Byte.colon) else { return false }
                skipWhitespace()
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
            } while consume(Byte.comma)
            return consume(Byte.closeBrace)
        case Byte.openBracket:
            index += 1
            skipWhitespace()
            if consume(Byte.closeBracket) { return true }
            repeat {
                skipWhitespace()
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
            } while consume(Byte.comma)
            return consume(Byte.closeBracket)
        case Byte.quote:
            return skipString()
        case Byte.minus, Byte.zero...Byte.nine:
            return skipNumber()
        default:
            return literal(Name.true) || literal(Name.false) || literal(Name.null)
        }
    }

    /// Steps over a string with its escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\u` followed by
    /// four hex digits).
    private mutating func skipString() -> Bool {
        guard consume(Byte.quote) else { return false }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.quote {
                index += 1
                return true
            }
            guard byte >= 0x20, byte < 0x7F else { return false }
            index += 1
            if byte == Byte.backslash {
                guard index < bytes.count else { return false }
                switch bytes[index] {
                case Byte.quote, Byte.backslash, Byte.slash, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                     UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard bytes.count - index > 4 else { return false }
                    for offset in 1...4 where !Byte.isHexDigit(bytes[index + offset]) { return false }
                    index += 5
                default:
                    return false
                }
            }
        }
        return false
    }

    /// Steps over a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() -> Bool {
        _ = consume(Byte.minus)
        guard index < bytes.count, Byte.isDigit(bytes[index]) else { return false }
        if !consume(Byte.zero) { skipDigits() }
        if consume(Byte.dot) {
            guard index < bytes.count, Byte.isDigit(bytes[index]) else { return false }
            skipDigits()
        }
        if consume(Byte.lowerE) || consume(Byte.upperE) {
            if !consume(Byte.plus) { _ = consume(Byte.minus) }
            guard index < bytes.count, Byte.isDigit(bytes[index]) else { return false }
            skipDigits()
        }
        return true
    }

    private mutating func skipDigits() {
        while index < bytes.count, Byte.isDigit(bytes[index]) { index += 1 }
    }

    // MARK: - Constants

    /// The member names and literals compared against.
    private enum Name {
        static let signingKey = Array("signingKey".utf8)
        static let pds = Array("pds".utf8)
        static let privateKey = Array("privateKey".utf8)
        static let previousKeys = Array("previousKeys".utf8)
        static let beforeSeq = Array("beforeSeq".utf8)
        static let didKeyPrefix = Array("did:key:z".utf8)
        static let `true` = Array("true".utf8)
        static let `false` = Array("false".utf8)
        static let null = Array("null".utf8)
    }

    /// The bytes of JSON's syntax.
    private enum Byte {
        static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/")
        static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
        static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
        static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        static let lowerE = UInt8(ascii: "e"), upperE = UInt8(ascii: "E")
        static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), lineFeed = UInt8(ascii: "\n")
        static let carriageReturn = UInt8(ascii: "\r")

        static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
        }
    }
}
