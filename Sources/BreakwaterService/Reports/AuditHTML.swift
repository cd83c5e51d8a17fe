package import FirehoseSync
package import Foundation

/// The `audit report --html` page: one self-contained file (inline CSS, inline SVG charts, a few lines of inline
/// JavaScript to sort tables; no external scripts, fonts or requests). Every string that came from the network
/// (hosts, DIDs, revs, details, upstream URLs) is HTML-escaped; DIDs are plain text, never links.
package enum AuditHTML {
    package static let colors: [Outcome: String] = [
        .verified: "#2e7d32", .applied: "#1565c0", .rejected: "#c62828", .desynchronized: "#ef6c00",
        .ignored: "#9e9e9e", .unverifiable: "#6a1b9a",
    ]

    /// Escapes text for HTML element content and quoted attribute values.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if character.value < 0x20 && character != "\n" && character != "\t" { out += "\u{FFFD}" } else { out.unicodeScalars.append(character) }
            }
        }
        return out
    }

    package static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    package static func millis(_ value: Double) -> String {
        if value >= 86_400_000 { return String(format: "%.1f d", value / 86_400_000) }
        if value >= 3_600_000 { return String(format: "%.1f h", value / 3_600_000) }
        if value >= 60_000 { return String(format: "%.1f min", value / 60_000) }
        if value >= 1000 { return String(format: "%.2f s", value / 1000) }
        return String(format: "%.0f ms", value)
    }

    /// The page.
    package static func render(_ data: AuditData, generatedAt: Date) -> String {
        var totals: [Outcome: Int] = [:]
        for (key, n) in data.outcomes {
            if let outcome = Outcome(rawValue: String(key.split(separator: "/").first ?? "")) { totals[outcome, default: 0] += n }
        }
        let events = totals.values.reduce(0, +)
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Breakwater audit report</title>
            <style>\(css)</style></head><body>
            <header><h1>Breakwater audit report</h1>
            <p class="meta">Generated \(escape(AuditJSON.timestamp(Int64(generatedAt.timeIntervalSince1970 * 1_000_000)))) · \(events) events · \(data.hosts.count) PDS hosts</p>
            <nav class="no-print"><a href="#totals">Totals</a> <a href="#hosts">Hosts</a> <a href="#warnings">Warnings</a> <a href="#accounts">Accounts</a> <a href="#timeline">Over time</a> <a href="#relay">Relay health</a></nav>
            </header><main>

            """
        html += totalsSection(totals: totals, events: events, reasons: data.outcomes)
        html += hostsSection(data.hosts)
        html += warningsSection(data.hosts)
        html += accountsSection(data.accounts)
        html += timelineSection(AuditTimeline(data.minutes))
        html += relaySection(data.relays, cursors: data.cursors)
        html += "</main>\n<script>\(script)</script>\n</body></html>\n"
        return html
    }

    package static func stackedBar(_ counts: [Outcome: Int], total: Int, width: Int = 600, height: Int = 28) -> String {
        var svg = "<svg class=\"bar\" viewBox=\"0 0 \(width) \(height)\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"outcome shares\">"
        var x = 0.0
        for outcome in Outcome.allCases {
            let n = counts[outcome] ?? 0
            guard n > 0, total > 0 else { continue }
            let w = Double(width) * Double(n) / Double(total)
            svg += "<rect x=\"\(String(format: "%.2f", x))\" y=\"0\" width=\"\(String(format: "%.2f", w))\" height=\"\(height)\" fill=\"\(colors[outcome]!)\"><title>\(outcome.rawValue): \(n)</title></rect>"
            x += w
        }
        return svg + "</svg>"
    }

    package static func legend() -> String {
        "<p class=\"legend\">" + Outcome.allCases.map {
            "<span><i style=\"background:\(colors[$0]!)\"></i>\($0.rawValue)</span>"
        }.joined(separator: " ") + "</p>"
    }

    package static func totalsSection(totals: [Outcome: Int], events: Int, reasons: [String: Int]) -> String {
        var html = "<section id=\"totals\"><h2>Totals by outcome and reason</h2>\n"
        html += stackedBar(totals, total: events) + legend()
        html += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>Outcome</th><th>Reason</th><th class=\"num\">Events</th><th class=\"num\">Share</th></tr></thead><tbody>\n"
        for (key, n) in reasons.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            let share = events > 0 ? Double(n) / Double(events) : 0
            html += "<tr><td>\(escape(parts[0]))</td><td>\(escape(parts.count > 1 ? parts[1] : "—"))</td><td class=\"num\" data-v=\"\(n)\">\(n)</td><td class=\"num\" data-v=\"\(share)\">\(percent(share))</td></tr>\n"
        }
        return html + "</tbody></table></div></section>\n"
    }

    package static func hostsSection(_ hosts: [HostScore]) -> String {
        var html = "<section id=\"hosts\"><h2>PDS hosts</h2>\n<p class=\"note\">Each event counts for the PDS host of its account (from its DID document); <code>unknown</code> collects events whose account's host is not known. Click a column to sort.</p>\n"
        html += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>Host</th><th class=\"num\">Accounts</th><th class=\"num\">Events</th><th class=\"num\">Verified</th><th class=\"num\">Rejected</th><th>Rejects by reason</th><th class=\"num\">Desyncs</th><th class=\"num\">Resyncs</th><th class=\"num\">Unverifiable</th><th>Outcomes</th></tr></thead><tbody>\n"
        for host in hosts {
            let rejects = host.byReason.filter { $0.key.hasPrefix("rejected/") }
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\(escape(String($0.key.dropFirst("rejected/".count)))) \($0.value)" }.joined(separator: "<br>")
            html += "<tr><td><code class=\"host\">\(escape(host.host))</code></td>"
            html += "<td class=\"num\" data-v=\"\(host.accounts)\">\(host.accounts)</td>"
            html += "<td class=\"num\" data-v=\"\(host.events)\">\(host.events)</td>"
            html += "<td class=\"num\" data-v=\"\(host.share(.verified))\">\(percent(host.share(.verified)))</td>"
            html += "<td class=\"num\" data-v=\"\(host.rejected)\">\(host.rejected)</td>"
            html += "<td class=\"reasons\">\(rejects.isEmpty ? "—" : rejects)</td>"
            html += "<td class=\"num\" data-v=\"\(host.count(.desynchronized))\">\(host.count(.desynchronized))</td>"
            html += "<td class=\"num\" data-v=\"\(host.resyncsCompleted)\">\(host.resyncsCompleted)/\(host.resyncsStarted)</td>"
            html += "<td class=\"num\" data-v=\"\(host.share(.unverifiable))\">\(percent(host.share(.unverifiable)))</td>"
            html += "<td class=\"chart\">\(stackedBar(host.byOutcome, total: host.events, width: 200, height: 14))</td></tr>\n"
        }
        if hosts.isEmpty { html += "<tr><td colspan=\"10\">No events recorded.</td></tr>\n" }
        html += "</tbody></table></div><p class=\"note\">Resyncs: completed/started (an account returning to synchronized after a desynchronization, by resync or a new <code>#sync</code> base).</p></section>\n"
        return html
    }

    package static func accountsSection(_ accounts: [AuditAccount]) -> String {
        var html = "<section id=\"accounts\"><h2>Accounts with the most violations</h2>\n<p class=\"note\">Violations: rejected, desynchronized and unverifiable events. The evidence is the latest one stored.</p>\n"
        html += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>Account (DID)</th><th>Host</th><th class=\"num\">Violations</th><th class=\"num\">Rejected</th><th class=\"num\">Desync</th><th class=\"num\">Unverif.</th><th class=\"num\">Seq</th><th>Rev</th><th>Reason</th><th>Detail</th></tr></thead><tbody>\n"
        for account in accounts {
            let line = account.latest?.line
            html += "<tr><td><span class=\"did\">\(escape(account.did))</span></td><td><code class=\"host\">\(escape(account.host ?? "unknown"))</code></td>"
            html += "<td class=\"num\" data-v=\"\(account.violations)\">\(account.violations)</td>"
            html += "<td class=\"num\" data-v=\"\(account.rejected)\">\(account.rejected)</td>"
            html += "<td class=\"num\" data-v=\"\(account.desynchronized)\">\(account.desynchronized)</td>"
            html += "<td class=\"num\" data-v=\"\(account.unverifiable)\">\(account.unverifiable)</td>"
            html += "<td class=\"num\" data-v=\"\(line?.seq ?? -1)\">\(line?.seq.map(String.init) ?? "—")</td>"
            html += "<td><code>\(escape(line?.rev ?? "—"))</code></td>"
            html += "<td>\(escape(line.map { "\($0.outcome.rawValue)/\($0.reason?.rawValue ?? "-")" } ?? "—"))</td>"
            html += "<td class=\"detail\">\(escape(line?.detail ?? ""))</td></tr>\n"
        }
        if accounts.isEmpty { html += "<tr><td colspan=\"10\">No violations recorded.</td></tr>\n" }
        return html + "</tbody></table></div></section>\n"
    }

    package static func timelineSection(_ timeline: AuditTimeline) -> String {
        var html = "<section id=\"timeline\"><h2>Verdicts over time</h2>\n<p class=\"note\">Events per \(timeline.unit.rawValue) of the event's <code>time</code> (UTC; the receipt time when it has none or it lies more than a day ahead), stacked by outcome; bar heights are shares of the events in that \(timeline.unit.rawValue).</p>\n"
        let buckets = timeline.buckets
        guard !buckets.isEmpty else { return html + "<p>No events recorded.</p></section>\n" }
        let width = 720.0
        let height = 200.0
        let bottom = 24.0
        let step = min(48, width / Double(buckets.count))
        html += "<svg class=\"timeline\" viewBox=\"0 0 \(Int(width)) \(Int(height + bottom))\" role=\"img\" aria-label=\"verdicts over time\">"
        for (i, bucket) in buckets.enumerated() {
            let total = bucket.total
            var y = height
            for outcome in Outcome.allCases {
                let n = bucket.byOutcome[outcome] ?? 0
                guard n > 0, total > 0 else { continue }
                let h = height * Double(n) / Double(total)
                y -= h
                html += "<rect x=\(quote(Double(i) * step + step * 0.1)) y=\(quote(y)) width=\(quote(step * 0.8)) height=\(quote(h)) fill=\"\(colors[outcome]!)\"><title>\(label(bucket.minute, timeline.unit)) \(outcome.rawValue): \(n) of \(total)</title></rect>"
            }
        }
        let first = label(buckets.first!.minute, timeline.unit)
        let last = label(buckets.last!.minute, timeline.unit)
        html += "<text x=\"0\" y=\"\(Int(height + 16))\" font-size=\"12\">\(escape(first))</text>"
        if buckets.count > 1 {
            html += "<text x=\"\(Int(step * Double(buckets.count)))\" y=\"\(Int(height + 16))\" font-size=\"12\" text-anchor=\"end\">\(escape(last))</text>"
        }
        html += "</svg>" + legend()
        html += "<details><summary>Table</summary><div class=\"scroll\"><table><thead><tr><th>\(timeline.unit.rawValue.capitalized) (UTC)</th>"
        for outcome in Outcome.allCases { html += "<th class=\"num\">\(outcome.rawValue)</th>" }
        html += "</tr></thead><tbody>\n"
        for bucket in buckets {
            html += "<tr><td>\(escape(label(bucket.minute, timeline.unit)))</td>"
            for outcome in Outcome.allCases { html += "<td class=\"num\">\(bucket.byOutcome[outcome] ?? 0)</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div></details></section>\n"
    }

    package static func quote(_ value: Double) -> String { "\"" + String(format: "%.2f", value) + "\"" }

    package static func label(_ minute: Int64, _ unit: AuditTimeline.Unit) -> String {
        let stamp = AuditJSON.timestamp(minute * 60_000_000)  // 2026-01-01T10:20:00Z
        switch unit {
        case .day: return String(stamp.prefix(10))
        case .hour, .minute: return String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " ")
        }
    }

    /// Which host sends which deviation from the lexicon, how often (events verified or applied despite it).
    package static func warningsSection(_ hosts: [HostScore]) -> String {
        var html = "<section id=\"warnings\"><h2>Conformance warnings</h2>\n<p class=\"note\">Events verified or applied despite a deviation in unsigned envelope metadata, or a slice that proves the change only in another order of inversion. Never a rejection; counted per PDS host.</p>\n"
        let rows = AuditText.warningRows(hosts)
        guard !rows.isEmpty else { return html + "<p>No warnings recorded.</p></section>\n" }
        html += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>Host</th><th>Warning</th><th class=\"num\">Events</th><th>Meaning</th></tr></thead><tbody>\n"
        for row in rows {
            html += "<tr><td><code class=\"host\">\(escape(row.host))</code></td><td><code>\(escape(row.kind))</code></td>"
            html += "<td class=\"num\" data-v=\"\(row.count)\">\(row.count)</td><td>\(escape(ConformanceWarning(rawValue: row.kind)?.meaning ?? ""))</td></tr>\n"
        }
        return html + "</tbody></table></div></section>\n"
    }

    package static func relaySection(_ relays: [String: RelayHealthDelta], cursors: [String: Int64]) -> String {
        var html = "<section id=\"relay\"><h2>Relay health</h2>\n<p class=\"note\">Per upstream: seq gaps (jumps of more than one) and the seqs they skip, duplicate or backward seqs, reconnects, and the lag between an event's <code>time</code> and its receipt (measured on live streams only; events more than a day old, a served recording or a backfill, are counted as backfill and kept out of the lag).</p>\n"
        guard !relays.isEmpty else { return html + "<p>No relay figures recorded.</p></section>\n" }
        html += "<div class=\"scroll\"><table><thead><tr><th>Upstream</th><th class=\"num\">Frames</th><th class=\"num\">Gaps</th><th class=\"num\">Missing seqs</th><th class=\"num\">Duplicates</th><th class=\"num\">Reconnects</th><th class=\"num\">Mean lag</th><th class=\"num\">Max lag</th><th class=\"num\">Backfill</th><th class=\"num\">Cursor</th></tr></thead><tbody>\n"
        for (upstream, health) in relays.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td><code>\(escape(upstream))</code></td><td class=\"num\">\(health.frames)</td><td class=\"num\">\(health.gaps)</td><td class=\"num\">\(health.missingSeqs)</td><td class=\"num\">\(health.duplicates)</td><td class=\"num\">\(health.reconnects)</td>"
            html += "<td class=\"num\">\(health.meanLagMillis.map(millis) ?? "—")</td><td class=\"num\">\(health.lagCount > 0 ? millis(Double(health.lagMaxMillis)) : "—")</td>"
            html += "<td class=\"num\">\(health.backfillEvents)</td>"
            html += "<td class=\"num\">\(cursors[upstream].map(String.init) ?? "—")</td></tr>\n"
        }
        html += "</tbody></table></div>\n"
        for (upstream, health) in relays.sorted(by: { $0.key < $1.key }) where health.lagCount > 0 {
            html += "<h3>Lag distribution: <code>\(escape(upstream))</code></h3>"
            let maxCount = max(1, health.lagBuckets.max() ?? 1)
            let rowHeight = 22
            html += "<svg class=\"lag\" viewBox=\"0 0 600 \(rowHeight * health.lagBuckets.count)\" role=\"img\" aria-label=\"lag distribution\">"
            for (i, count) in health.lagBuckets.enumerated() {
                let y = i * rowHeight
                let w = 420.0 * Double(count) / Double(maxCount)
                html += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(escape(RelayHealthDelta.lagBucketLabels[i]))</text>"
                html += "<rect x=\"120\" y=\"\(y + 3)\" width=\(quote(w)) height=\"16\" fill=\"#1565c0\"></rect>"
                html += "<text x=\(quote(126 + w)) y=\"\(y + 15)\" font-size=\"12\">\(count)</text>"
            }
            html += "</svg>\n"
        }
        return html + "</section>\n"
    }

    package static let css = """
        :root{color-scheme:light}*{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fafafa}
        header{background:#0d47a1;color:#fff;padding:16px 20px}header h1{margin:0;font-size:1.4em}
        .meta{margin:4px 0 0;opacity:.9}nav a{color:#fff;margin-right:14px;font-weight:600;text-decoration:none}
        main{max-width:1200px;margin:0 auto;padding:8px 16px 40px}
        section{background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:12px 16px;margin:16px 0}
        h2{font-size:1.15em;margin:4px 0 10px}h3{font-size:1em}.note{color:#555;font-size:.9em;margin:4px 0 10px}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9em}
        th,td{padding:5px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
        th{background:#f2f4f8;white-space:nowrap}table.sortable th{cursor:pointer}table.sortable th:hover{background:#e3e8f2}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .did,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;word-break:break-all}
        td.detail{max-width:380px;word-break:break-word;color:#444}td.reasons{white-space:nowrap;font-size:.9em}
        td.chart{min-width:120px}svg.bar{width:100%;height:28px;display:block}td.chart svg.bar{height:14px}
        svg.timeline{width:100%;max-width:720px;height:auto;display:block}code.host{white-space:nowrap;word-break:normal}svg.lag{width:100%;max-width:600px;height:auto}
        .legend span{display:inline-block;margin:4px 12px 0 0;font-size:.85em}
        .legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
        @media (max-width:640px){body{font-size:14px}main{padding:4px 6px 24px}section{padding:10px;margin:10px 0}
        th,td{padding:4px 5px}td.detail{max-width:220px}header{padding:12px}}
        @media print{body{background:#fff;font-size:11px}header{background:none;color:#000;padding:0 0 8px;border-bottom:2px solid #000}
        .no-print,nav,details summary{display:none}section{border:none;padding:0;margin:12px 0;break-inside:auto}
        details{display:block}details>*{display:block}.scroll{overflow:visible}tr{break-inside:avoid}
        h2{break-after:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    package static let script = """
        document.querySelectorAll('table.sortable').forEach(function(t){t.querySelectorAll('th').forEach(function(th,i){
        th.addEventListener('click',function(){var b=t.tBodies[0],r=Array.from(b.rows),d=th.dataset.d==='a'?'d':'a';th.dataset.d=d;
        r.sort(function(x,y){var p=x.cells[i],q=y.cells[i];if(!p||!q)return 0;var u=p.dataset.v,v=q.dataset.v;
        var c=(u!==undefined&&v!==undefined)?(parseFloat(u)-parseFloat(v)):p.textContent.localeCompare(q.textContent);return d==='a'?c:-c;});
        r.forEach(function(row){b.appendChild(row);});});});});
        """

    /// Writes the page of `data` to the file `path`. Throws `cannot-write`.
    package static func write(_ data: AuditData, generatedAt: Date, to path: String) throws {
        do {
            try Data(render(data, generatedAt: generatedAt).utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ServiceError("cannot-write", "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
