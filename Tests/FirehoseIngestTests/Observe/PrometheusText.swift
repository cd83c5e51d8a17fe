import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), for checking `/metrics`:
/// `# HELP` / `# TYPE` lines (at most one TYPE per family, before its samples), sample lines
/// `name{label="value",…} value`, metric and label name syntax, label value escapes (`\\`, `\"`, `\n`),
/// contiguous families, and for histograms: `le` buckets increasing with non-decreasing counts, a `+Inf` bucket
/// equal to `_count`, and a `_sum`.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    private(set) var samples: [Sample] = []
    private(set) var types: [String: String] = [:]

    init(_ text: String) throws {
        var helps: Set<String> = []
        var finishedFamilies: Set<String> = []
        var currentFamily: String?
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = number + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#", ["HELP", "TYPE"].contains(parts[1]) else { continue }  // a comment
                let name = String(parts[2])
                guard Self.isMetricName(name) else { throw ParseError(line: lineNumber, message: "bad metric name '\(name)'") }
                if parts[1] == "HELP" {
                    guard helps.insert(name).inserted else { throw ParseError(line: lineNumber, message: "second HELP for \(name)") }
                } else {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw ParseError(line: lineNumber, message: "bad TYPE line")
                    }
                    guard types[name] == nil else { throw ParseError(line: lineNumber, message: "second TYPE for \(name)") }
                    guard !finishedFamilies.contains(name), currentFamily != name else {
                        throw ParseError(line: lineNumber, message: "TYPE for \(name) after its samples")
                    }
                    types[name] = String(parts[3])
                }
                continue
            }
            let sample = try Self.sample(String(line), line: lineNumber)
            let family = family(of: sample.name)
            if family != currentFamily {
                if let currentFamily { finishedFamilies.insert(currentFamily) }
                guard !finishedFamilies.contains(family) else {
                    throw ParseError(line: lineNumber, message: "samples of \(family) are not contiguous")
                }
                currentFamily = family
            }
            samples.append(sample)
        }
        try checkHistograms()
    }

    /// The family a sample belongs to (a histogram's `_bucket`, `_sum`, `_count` belong to the histogram).
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }

    /// The value of the sample `name` with exactly `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sum over all samples of `name` whose labels include `matching`.
    func sum(_ name: String, matching: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && matching.allSatisfy { key, value in sample.labels[key] == value } }
            .map(\.value).reduce(0, +)
    }

    private func checkHistograms() throws {
        for (name, type) in types where type == "histogram" {
            var series: [[String: String]: [(le: Double, count: Double)]] = [:]
            for sample in samples where sample.name == name + "_bucket" {
                guard let leText = sample.labels["le"], let le = Self.number(leText) else {
                    throw ParseError(line: 0, message: "\(name)_bucket without a numeric le")
                }
                var key = sample.labels
                key["le"] = nil
                series[key, default: []].append((le, sample.value))
            }
            guard !series.isEmpty else { throw ParseError(line: 0, message: "histogram \(name) has no buckets") }
            for (labels, buckets) in series {
                for (previous, next) in zip(buckets, buckets.dropFirst()) {
                    guard next.le > previous.le else { throw ParseError(line: 0, message: "\(name): le not increasing") }
                    guard next.count >= previous.count else { throw ParseError(line: 0, message: "\(name): bucket counts decrease") }
                }
                guard let last = buckets.last, last.le == .infinity else { throw ParseError(line: 0, message: "\(name): no +Inf bucket") }
                guard value(name + "_count", labels) == last.count else { throw ParseError(line: 0, message: "\(name): _count differs from +Inf") }
                guard value(name + "_sum", labels) != nil else { throw ParseError(line: 0, message: "\(name): no _sum") }
            }
        }
    }

    static func isMetricName(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
    }

    static func isLabelName(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }

    static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard !text.isEmpty, text.allSatisfy({ "0123456789.eE+-".contains($0) }) else { return nil }
            return Double(text)
        }
    }

    static func sample(_ line: String, line lineNumber: Int) throws -> Sample {
        let scalars = Array(line.unicodeScalars)
        var i = 0
        var name = ""
        while i < scalars.count, scalars[i] != "{", scalars[i] != " " {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard isMetricName(name) else { throw ParseError(line: lineNumber, message: "bad metric name '\(name)'") }
        var labels: [String: String] = [:]
        if i < scalars.count, scalars[i] == "{" {
            i += 1
            while true {
                guard i < scalars.count else { throw ParseError(line: lineNumber, message: "unterminated label set") }
                if scalars[i] == "}" {
                    i += 1
                    break
                }
                var label = ""
                while i < scalars.count, scalars[i] != "=" {
                    label.unicodeScalars.append(scalars[i])
                    i += 1
                }
                guard isLabelName(label) else { throw ParseError(line: lineNumber, message: "bad label name '\(label)'") }
                guard i + 1 < scalars.count, scalars[i + 1] == "\"" else { throw ParseError(line: lineNumber, message: "label value not quoted") }
                i += 2
                var value = ""
                while true {
                    guard i < scalars.count else { throw ParseError(line: lineNumber, message: "unterminated label value") }
                    let c = scalars[i]
                    if c == "\"" { break }
                    if c == "\\" {
                        guard i + 1 < scalars.count else { throw ParseError(line: lineNumber, message: "dangling escape") }
                        switch scalars[i + 1] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: throw ParseError(line: lineNumber, message: "bad escape in label value")
                        }
                        i += 2
                        continue
                    }
                    value.unicodeScalars.append(c)
                    i += 1
                }
                i += 1
                guard labels[label] == nil else { throw ParseError(line: lineNumber, message: "label \(label) repeated") }
                labels[label] = value
                if i < scalars.count, scalars[i] == "," { i += 1 }
                else if i < scalars.count, scalars[i] == "}" { continue }
                else { throw ParseError(line: lineNumber, message: "expected , or } after a label") }
            }
        }
        guard i < scalars.count, scalars[i] == " " else { throw ParseError(line: lineNumber, message: "no space before the value") }
        let rest = String(String.UnicodeScalarView(scalars[(i + 1)...])).split(separator: " ", omittingEmptySubsequences: false)
        guard rest.count == 1 || (rest.count == 2 && Int64(rest[1]) != nil), let value = number(String(rest[0])) else {
            throw ParseError(line: lineNumber, message: "bad value '\(rest.joined(separator: " "))'")
        }
        return Sample(name: name, labels: labels, value: value)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
