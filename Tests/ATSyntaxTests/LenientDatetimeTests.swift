import ATSyntax
import Testing

/// `Datetime.lenient` reads the forms servers send in unsigned `time` fields (Docs/CONTRACT.md §3 step 2): the lexicon's
/// own form as `standard`, and without timezone (UTC), with lowercase `t`/`z` or `-00:00` as `nonstandard`.
@Suite struct LenientDatetimeTests {
    static let instant: Int64 = 1_783_175_887_546_000  // 2026-07-04T14:38:07.546Z

    @Test(arguments: [
        ("2026-07-04T14:38:07.546Z", Datetime.Form.standard, instant),
        ("2026-07-04T16:38:07.546+02:00", .standard, instant),
        ("2026-07-04T14:38:07.546", .nonstandard, instant),
        ("2026-07-04T14:38:07.546000000", .nonstandard, instant),
        ("2026-07-04T14:38:07", .nonstandard, instant - 546_000),
        ("2026-07-04t14:38:07.546z", .nonstandard, instant),
        ("2026-07-04T14:38:07.546-00:00", .nonstandard, instant),
        ("2026-07-04T09:38:07.546-05:00", .standard, instant),
    ])
    func serverFormsAreReadWithTheirInstant(text: String, form: Datetime.Form, micros: Int64) throws {
        let read = try #require(Datetime.lenient(text))
        #expect(read.form == form)
        #expect(read.datetime.microsecondsSinceEpoch == micros)
        #expect(read.datetime.description == text)
    }

    @Test(arguments: ["", "yesterday", "2026-07-04", "2026-07-04 14:38:07", "2026-07-04T14:38", "2026-13-04T14:38:07",
                      "2026-02-30T14:38:07", "2026-07-04T24:00:00", "2026-07-04T14:38:07.", "2026-07-04T14:38:07+2",
                      "2026-07-04T14:38:07Zjunk", "2026-07-04T14:38:07+02:00:00", "１９８５-04-12T23:20:50Z"])
    func anythingElseIsUnreadable(text: String) {
        #expect(Datetime.lenient(text) == nil)
    }

    /// Every strict datetime stays strict: the lenient reader is a superset that never changes a standard verdict.
    @Test func strictDatetimesReadAsStandard() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let micros = Int64(state % 4_000_000_000_000_000)
            let text = try Datetime(microsecondsSinceEpoch: micros).description
            let read = try #require(Datetime.lenient(text))
            #expect(read.form == .standard && read.datetime.microsecondsSinceEpoch == micros)
            let withoutZone = String(text.dropLast())
            #expect(Datetime.lenient(withoutZone)?.datetime.microsecondsSinceEpoch == micros)
            #expect(Datetime.lenient(withoutZone)?.form == .nonstandard)
        }
    }

    /// Truncations and byte flips of valid forms never trap (the reader indexes a buffer it was given).
    @Test func mutationsNeverTrap() {
        let seeds = ["2026-07-04T14:38:07.546Z", "2026-07-04T14:38:07", "2026-07-04T14:38:07.546-00:00"]
        var state: UInt64 = 42
        var readable = 0
        for seed in seeds {
            let bytes = Array(seed.utf8)
            for length in 0...bytes.count where Datetime.lenient(String(decoding: bytes[..<length], as: UTF8.self)) != nil { readable += 1 }
            for _ in 0..<3_000 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                var mutated = bytes
                mutated[Int(state >> 33) % mutated.count] = UInt8(truncatingIfNeeded: state >> 13)
                if Datetime.lenient(String(decoding: mutated, as: UTF8.self)) != nil { readable += 1 }
            }
        }
        #expect(readable > 0)
    }
}
