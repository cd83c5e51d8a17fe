import FirehoseSync
import Foundation
import Testing

@Suite("Outcome lines (Docs/CONTRACT.md §4)")
struct OutcomeLineTests {
    @Test func everyReasonBelongsToTheOutcomeTheContractNames() {
        let rejected: Set<Reason> = [.malformedFrame, .malformedEvent, .oversize, .invalidOp, .duplicatePath, .deprecatedFlag,
                                     .futureRev, .malformedCAR, .blockCIDMismatch, .carRootMismatch, .invalidCommit,
                                     .fieldMismatch, .badSignature, .opMismatch, .missingRecordBlock, .missingProofBlock,
                                     .malformedMST, .inversionMismatch]
        for reason in Reason.allCases {
            let expected: Outcome
            if rejected.contains(reason) { expected = .rejected }
            else if reason == .chainBreak { expected = .desynchronized }
            else if [.staleRev, .accountInactive, .repoDesynchronized, .unknownType].contains(reason) { expected = .ignored }
            else { expected = .unverifiable }
            #expect(reason.outcome == expected, "\(reason)")
        }
        #expect(Reason.allCases.count == 25)
    }

    @Test func linesAreValidJSONWithTheDocumentedFields() throws {
        let line = OutcomeLine(index: 3, seq: 42, type: .commit, did: "did:plc:abc", rev: "3lhh", outcome: .rejected,
                               reason: .badSignature, detail: "quote \" backslash \\ newline \n tab \t ctl \u{01}")
        let object = try JSONSerialization.jsonObject(with: Data(line.json.utf8)) as? [String: Any]
        #expect(object?["i"] as? Int == 3)
        #expect(object?["seq"] as? Int == 42)
        #expect(object?["type"] as? String == "commit")
        #expect(object?["reason"] as? String == "bad-signature")
        #expect(object?["detail"] as? String == "quote \" backslash \\ newline \n tab \t ctl \u{01}")
        let empty = OutcomeLine(index: 0, seq: nil, type: .frame, did: nil, rev: nil, outcome: .rejected, reason: .malformedFrame, detail: nil)
        let object2 = try JSONSerialization.jsonObject(with: Data(empty.json.utf8)) as? [String: Any]
        #expect(object2?["seq"] is NSNull)
        #expect(object2?["did"] is NSNull)
    }
}
