package import FirehoseAudit
import FirehoseIngest
import Foundation

/// JSON and text shapes of a ``RecordingComparison``.
package enum CompareJSON {
    package static func reference(_ r: ComparedEvent.Reference) -> [String: Any] {
        ["type": r.type, "did": r.did, "rev": r.rev ?? NSNull(), "seq": r.seq ?? NSNull(), "i": r.index]
    }

    package static func side(_ s: RecordingComparison.Side, limit: Int) -> [String: Any] {
        [
            "path": s.path, "frames": s.frames, "events": s.events, "undecodable": s.undecodable, "other": s.other,
            "truncated": s.truncated,
            "seqGaps": s.gaps.prefix(limit).map { ["after": $0.after, "next": $0.next, "missing": $0.missing, "i": $0.index] as [String: Any] },
            "seqGapCount": s.gaps.count, "missingSeqs": s.gaps.reduce(0) { $0 + $1.missing },
            "seqRegressions": s.regressions.prefix(limit).map { ["seq": $0.seq, "previous": $0.previous, "i": $0.index] as [String: Any] },
            "seqRegressionCount": s.regressions.count,
            "duplicates": s.duplicates.prefix(limit).map(reference), "duplicateCount": s.duplicates.count,
        ]
    }

    package static func object(_ c: RecordingComparison, limit: Int) -> [String: Any] {
        [
            "equivalent": c.isEquivalent,
            "summary": [
                "matched": c.matched, "missingFromA": c.missingFromA.count, "missingFromB": c.missingFromB.count,
                "duplicatesInA": c.a.duplicates.count, "duplicatesInB": c.b.duplicates.count,
                "reordered": c.reordered.count, "differing": c.differing.count,
                "seqGapsInA": c.a.gaps.count, "seqGapsInB": c.b.gaps.count,
                "seqRegressionsInA": c.a.regressions.count, "seqRegressionsInB": c.b.regressions.count,
            ],
            "a": side(c.a, limit: limit), "b": side(c.b, limit: limit),
            "missingFromB": c.missingFromB.prefix(limit).map(reference),
            "missingFromA": c.missingFromA.prefix(limit).map(reference),
            "reordered": c.reordered.prefix(limit).map { ["a": reference($0.a), "b": reference($0.b)] },
            "differing": c.differing.prefix(limit).map { ["a": reference($0.a), "b": reference($0.b), "fields": $0.fields] as [String: Any] },
        ]
    }

    package static func describe(_ r: ComparedEvent.Reference) -> String {
        "#\(r.type) \(r.did)\(r.rev.map { " rev \($0)" } ?? "") (seq \(r.seq.map(String.init) ?? "-"), frame \(r.index))"
    }

    package static func text(_ c: RecordingComparison, limit: Int) -> String {
        var lines: [String] = []
        for (name, side) in [("A", c.a), ("B", c.b)] {
            lines.append("\(name): \(side.path): \(side.frames) frames, \(side.events) account events, \(side.undecodable) undecodable, \(side.other) other"
                         + (side.truncated ? ", truncated" : ""))
        }
        lines.append("matched \(c.matched); missing from B \(c.missingFromB.count); missing from A \(c.missingFromA.count); "
                     + "duplicated in A \(c.a.duplicates.count), in B \(c.b.duplicates.count); reordered \(c.reordered.count); "
                     + "differing \(c.differing.count)")
        lines.append("seq gaps: A \(c.a.gaps.count) (\(c.a.gaps.reduce(0) { $0 + $1.missing }) seqs), B \(c.b.gaps.count) (\(c.b.gaps.reduce(0) { $0 + $1.missing }) seqs); "
                     + "seq regressions: A \(c.a.regressions.count), B \(c.b.regressions.count)")
        if c.isEquivalent {
            let repeats = c.a.duplicates.count
            lines.append("the recordings are the same: they carry the same events in the same order"
                         + (repeats > 0 ? " (each repeats the same \(repeats) event(s) within itself)" : ""))
        } else {
            lines.append("the recordings differ")
        }
        func list(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            lines.append(title)
            for item in items.prefix(limit) { lines.append("  " + item) }
            if items.count > limit { lines.append("  … \(items.count - limit) more") }
        }
        list("missing from B", c.missingFromB.map(describe))
        list("missing from A", c.missingFromA.map(describe))
        list("duplicated in A", c.a.duplicates.map(describe))
        list("duplicated in B", c.b.duplicates.map(describe))
        list("reordered (B order)", c.reordered.map { "\(describe($0.b)); in A at frame \($0.a.index)" })
        list("differing", c.differing.map { "\(describe($0.b)): \($0.fields.joined(separator: ", ")) differ (A frame \($0.a.index))" })
        for (name, side) in [("A", c.a), ("B", c.b)] {
            list("seq gaps in \(name)", side.gaps.map { "after \($0.after) next \($0.next) (\($0.missing) missing, frame \($0.index))" })
            list("seq regressions in \(name)", side.regressions.map { "seq \($0.seq) after \($0.previous) (frame \($0.index))" })
        }
        return lines.joined(separator: "\n")
    }
}
