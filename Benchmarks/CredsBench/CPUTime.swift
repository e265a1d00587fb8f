import Foundation

/// CPU time (user + system) the server, its plugin and this driver spend per operation: on a
/// machine where every process shares two cores, where the cycles go.
struct CPUTime: Sendable {
    let serverPID: Int32

    struct Snapshot: Sendable {
        var server: Double
        var plugins: Double
        var driver: Double
    }

    func snapshot() -> Snapshot {
        Snapshot(
            server: Self.seconds(serverPID),
            plugins: Report.children(of: serverPID).map(Self.seconds).reduce(0, +),
            driver: Self.seconds(getpid()))
    }

    /// "cpu ms/op server S, plugin P, driver D" since `start`.
    func perOperation(since start: Snapshot, operations: Int) -> String {
        let now = snapshot(), count = Double(max(operations, 1))
        func ms(_ seconds: Double) -> String { Report.fixed(seconds * 1000 / count, 2) }
        return "cpu ms/op server \(ms(now.server - start.server)), plugin \(ms(now.plugins - start.plugins)), driver \(ms(now.driver - start.driver))"
    }

    /// utime + stime from /proc/<pid>/stat (0 when the process is gone).
    static func seconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
