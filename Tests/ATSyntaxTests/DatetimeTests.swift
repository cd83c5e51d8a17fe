import ATSyntax
import Testing

@Suite struct DatetimeTests {
    @Test func epochIsZero() throws {
        #expect(try Datetime("1970-01-01T00:00:00Z").microsecondsSinceEpoch == 0)
        #expect(try Datetime("1970-01-01T00:00:00.000001Z").microsecondsSinceEpoch == 1)
        #expect(try Datetime("1969-12-31T23:59:59.999999Z").microsecondsSinceEpoch == -1)
    }

    @Test func knownInstantsMatch() throws {
        // 1985-04-12T23:20:50.123Z = 482196050.123 s (RFC 3339 §5.8 example).
        #expect(try Datetime("1985-04-12T23:20:50.123Z").microsecondsSinceEpoch == 482_196_050_123_000)
        // Same instant with an offset.
        #expect(try Datetime("1985-04-12T16:20:50.123-07:00").microsecondsSinceEpoch == 482_196_050_123_000)
        #expect(try Datetime("1985-04-13T01:05:50.123+01:45").microsecondsSinceEpoch == 482_196_050_123_000)
        // 2000-03-01 (after a leap day in a century divisible by 400).
        #expect(try Datetime("2000-03-01T00:00:00Z").microsecondsSinceEpoch == 951_868_800_000_000)
        // Year zero.
        #expect(try Datetime("0000-01-01T00:00:00.000Z").microsecondsSinceEpoch == -62_167_219_200_000_000)
    }

    @Test func fractionIsTruncatedToMicroseconds() throws {
        let datetime = try Datetime("1985-04-12T23:20:50.12345678901234567890Z")
        #expect(datetime.microsecondsSinceEpoch == 482_196_050_123_456)
        #expect(try Datetime("1985-04-12T23:20:50.1Z").microsecondsSinceEpoch == 482_196_050_100_000)
    }

    @Test(arguments: [
        "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2023-04-31T00:00:00Z", "2023-01-01T24:00:00Z",
        "2023-01-01T00:60:00Z", "2023-01-01T00:00:60Z", "2023-01-01T00:00:00+24:00",
        "2023-01-01T00:00:00.123456789012345678901Z", "0000-01-01T00:59:59.999+01:00",
    ])
    func impossibleDatetimesAreRefused(_ text: String) {
        #expect(throws: ATSyntaxError(.invalidDatetime, "")) { try Datetime(text) }
    }

    @Test(arguments: ["2024-02-29T12:00:00Z", "2000-02-29T00:00:00Z", "0000-01-01T01:00:00+01:00", "9999-12-31T23:59:59.999999Z"])
    func realEdgeDatetimesParse(_ text: String) throws {
        _ = try Datetime(text)
    }

    @Test func instantsFormatAndReparse() throws {
        let samples: [Int64] = [0, 1, -1, 482_196_050_123_000, 951_868_800_000_000, -62_167_219_200_000_000, 1_700_000_000_123_456]
        for micros in samples {
            let datetime = try Datetime(microsecondsSinceEpoch: micros)
            #expect(try Datetime(datetime.description).microsecondsSinceEpoch == micros)
        }
        #expect(try Datetime(microsecondsSinceEpoch: 482_196_050_123_000).description == "1985-04-12T23:20:50.123Z")
        #expect(throws: ATSyntaxError(.outOfRange, "")) { try Datetime(microsecondsSinceEpoch: -62_167_219_200_000_001) }
    }
}
