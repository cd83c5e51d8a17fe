import ATSyntax
import Testing

@Suite struct TIDTests {
    @Test func allZeroTIDIsTheSmallest() throws {
        #expect(TID.zero.description == "2222222222222")
        #expect(try TID("2222222222222") == TID.zero)
        #expect(TID.zero.microseconds == 0 && TID.zero.clockID == 0)
    }

    @Test func timestampAndClockIDRoundTrip() throws {
        // 2023-04-12T00:00:00Z in microseconds, clock id 17.
        let micros: UInt64 = 1_681_257_600_000_000
        let tid = try TID(microseconds: micros, clockID: 17)
        #expect(tid.microseconds == micros)
        #expect(tid.clockID == 17)
        #expect(tid.rawValue == micros << 10 | 17)
        let reparsed = try TID(tid.description)
        #expect(reparsed == tid)
        #expect(reparsed.description.count == 13)
    }

    @Test func knownTIDDecodesToKnownTime() throws {
        // 3jzfcijpj2z2a is the atproto spec example: a 2023 timestamp.
        let tid = try TID("3jzfcijpj2z2a")
        #expect(tid.microseconds > 1_600_000_000_000_000 && tid.microseconds < 1_800_000_000_000_000)
        // Early PDS revision: parses and decodes to a time near 1970.
        let early = try TID("222222d7n7i22")
        #expect(early.microseconds < 1_000_000_000_000)
    }

    @Test func stringOrderMatchesIntegerOrder() throws {
        var values: [UInt64] = [0, 1, 1023, 1024, 1 << 40, 1 << 53, (1 << 54) - 1, 0x7FFF_FFFF_FFFF_FFFF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<200 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(state >> 1)
        }
        let tids = values.map(TID.init(rawValue:))
        for a in tids {
            for b in tids.prefix(20) {
                #expect((a < b) == a.description.utf8.lexicographicallyPrecedes(b.description.utf8))
                #expect((a == b) == (a.description == b.description))
            }
            #expect(try TID(a.description) == a)
        }
    }

    @Test func highBitTIDsFollowTheSpecRegex() throws {
        // The regex allows first characters a–j (the 64th bit set); k and later are refused.
        #expect(try TID("jzzzzzzzzzzzz").rawValue == UInt64.max)
        #expect(TID(rawValue: .max).description == "jzzzzzzzzzzzz")
        #expect(!TID.isValid("kzzzzzzzzzzzz"))
    }

    @Test func outOfRangeComponentsAreRefused() {
        #expect(throws: ATSyntaxError(.outOfRange, "")) { try TID(microseconds: 1 << 54, clockID: 0) }
        #expect(throws: ATSyntaxError(.outOfRange, "")) { try TID(microseconds: 0, clockID: 1024) }
    }

    @Test func nextIsStrictlyIncreasingWhenTheClockStalls() throws {
        let first = try TID.next(after: nil, nowMicroseconds: 5_000, clockID: 3)
        #expect(first.microseconds == 5_000)
        let second = try TID.next(after: first, nowMicroseconds: 5_000, clockID: 3)
        #expect(second > first)
        let third = try TID.next(after: second, nowMicroseconds: 4_000, clockID: 3)
        #expect(third > second)
        let later = try TID.next(after: third, nowMicroseconds: 9_000, clockID: 3)
        #expect(later.microseconds == 9_000)
    }
}
