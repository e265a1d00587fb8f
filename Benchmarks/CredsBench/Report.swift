import Foundation

/// Output: unbuffered lines (figures show as they come, also into a pipe) and the table rows.
enum Report {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static let header = "operation                         clients      n   custos/s   p50 ms   p99 ms |    raw/s   p50 ms   p99 ms | ratio"

    /// One row: Custos over HTTP beside the raw SQL (either may be missing), then the goal.
    static func row(_ operation: String, clients: Int, custos: Sample?, raw: Sample?, goal: String = "") {
        func cells(_ sample: Sample?) -> String {
            guard let sample else { return "       -        -        -" }
            return pad(fixed(sample.opsPerSecond, 0), 8) + " " + pad(fixed(sample.percentile(0.5), 2), 8) + " "
                + pad(fixed(sample.percentile(0.99), 2), 8)
        }
        let n = custos?.latencies.count ?? raw?.latencies.count ?? 0
        var ratio = "    -"
        if let custos, let raw { ratio = pad(fixed(custos.opsPerSecond / raw.opsPerSecond, 2), 5) }
        line(operation.padding(toLength: 33, withPad: " ", startingAt: 0) + pad("\(clients)", 8) + pad("\(n)", 7)
            + "   " + cells(custos) + " | " + cells(raw) + " | " + ratio + (goal.isEmpty ? "" : "   goal: " + goal))
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// /proc/loadavg's three averages.
    static var loadAverage: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "? ? ?"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// VmRSS of a process in KiB (nil when it is gone).
    static func residentKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
    }

    /// The children of a process (every thread's), e.g. the plugin the server started.
    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [Int32] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    static func mib(_ kib: Int) -> String { fixed(Double(kib) / 1024, 1) + " MiB" }
}
