import ATSyntax
import Testing

/// Every line of every interop syntax file for the types this module owns.
@Suite struct SyntaxVectorTests {
    @Test(arguments: SyntaxVectors.expectedCounts.keys.sorted())
    func everyVectorFileIsLoadedCompletely(_ file: String) {
        let count = SyntaxVectors.cases(file).count
        print("vectors: interop/syntax/\(file): \(count) cases")
        #expect(count == SyntaxVectors.expectedCounts[file])
    }

    @Test(arguments: SyntaxVectors.cases("did_syntax_valid.txt"))
    func validDIDsParse(_ line: String) throws {
        let did = try DID(line)
        #expect(did.description == line)
        #expect(DID.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("did_syntax_invalid.txt"))
    func invalidDIDsAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidDID, "")) { try DID(line) }
        #expect(!DID.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("handle_syntax_valid.txt"))
    func validHandlesParse(_ line: String) throws {
        let handle = try Handle(line)
        #expect(handle.description == line.lowercased())
        #expect(Handle.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("handle_syntax_invalid.txt"))
    func invalidHandlesAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidHandle, "")) { try Handle(line) }
        #expect(!Handle.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("atidentifier_syntax_valid.txt"))
    func validATIdentifiersParse(_ line: String) throws {
        let identifier = try ATIdentifier(line)
        #expect(identifier.description == (line.hasPrefix("did:") ? line : line.lowercased()))
    }

    @Test(arguments: SyntaxVectors.cases("atidentifier_syntax_invalid.txt"))
    func invalidATIdentifiersAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidATIdentifier, "")) { try ATIdentifier(line) }
    }

    @Test(arguments: SyntaxVectors.cases("nsid_syntax_valid.txt"))
    func validNSIDsParse(_ line: String) throws {
        let nsid = try NSID(line)
        #expect(nsid.description == line)
        #expect(NSID.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("nsid_syntax_invalid.txt"))
    func invalidNSIDsAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidNSID, "")) { try NSID(line) }
        #expect(!NSID.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("tid_syntax_valid.txt"))
    func validTIDsParseAndRoundTrip(_ line: String) throws {
        let tid = try TID(line)
        #expect(tid.description == line)
        #expect(TID(rawValue: tid.rawValue) == tid)
        #expect(try TID(microseconds: tid.microseconds, clockID: tid.clockID) == tid)
    }

    @Test(arguments: SyntaxVectors.cases("tid_syntax_invalid.txt"))
    func invalidTIDsAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidTID, "")) { try TID(line) }
        #expect(!TID.isValid(line))
    }

    @Test(arguments: SyntaxVectors.cases("recordkey_syntax_valid.txt"))
    func validRecordKeysParse(_ line: String) throws {
        #expect(try RecordKey(line).description == line)
        // Every valid record key makes a valid repository path.
        let path = try RepoPath("app.bsky.feed.post/" + line)
        #expect(path.recordKey.description == line)
        #expect(path.collection.description == "app.bsky.feed.post")
    }

    @Test(arguments: SyntaxVectors.cases("recordkey_syntax_invalid.txt"))
    func invalidRecordKeysAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidRecordKey, "")) { try RecordKey(line) }
        #expect(throws: ATSyntaxError(.invalidRepoPath, "")) { try RepoPath("app.bsky.feed.post/" + line) }
    }

    @Test(arguments: SyntaxVectors.cases("nsid_syntax_valid.txt"))
    func validNSIDsMakeValidRepoPathCollections(_ line: String) throws {
        let path = try RepoPath(bytes: Array((line + "/self").utf8))
        #expect(path.collection.description == line)
    }

    @Test(arguments: SyntaxVectors.cases("nsid_syntax_invalid.txt"))
    func invalidNSIDsAreRefusedAsRepoPathCollections(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidRepoPath, "")) { try RepoPath(line + "/self") }
    }

    @Test(arguments: SyntaxVectors.cases("aturi_syntax_valid.txt"))
    func validATURIsParse(_ line: String) throws {
        let uri = try ATURI(line)
        #expect(uri.description == line)
    }

    @Test(arguments: SyntaxVectors.cases("aturi_syntax_invalid.txt"))
    func invalidATURIsAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidATURI, "")) { try ATURI(line) }
    }

    @Test(arguments: SyntaxVectors.cases("datetime_syntax_valid.txt"))
    func validDatetimesParse(_ line: String) throws {
        let datetime = try Datetime(line)
        #expect(datetime.description == line)
    }

    @Test(arguments: SyntaxVectors.cases("datetime_syntax_invalid.txt") + SyntaxVectors.cases("datetime_parse_invalid.txt"))
    func invalidDatetimesAreRefused(_ line: String) {
        #expect(throws: ATSyntaxError(.invalidDatetime, "")) { try Datetime(line) }
        #expect(!Datetime.isValid(line))
    }
}
