#if canImport(Glibc)
import Glibc
#endif

/// The `syslog` audit device: each line goes to the local syslog daemon as one message at
/// priority INFO of the configured facility, framed as Vault frames it
/// (`<PRI>Jan _2 15:04:05 TAG[PID]: LINE`). The daemon's socket is the first of `/dev/log`,
/// `/var/run/syslog` and `/var/run/log` that takes a datagram connection, else a stream one.
/// A daemon that is gone or does not keep up fails the line (after one reconnect), so requests
/// fail closed as with any other device.
package final class SyslogAuditDevice: AuditDevice {
    package struct Configuration: Sendable, Equatable {
        /// The facility's code (`LOG_AUTH` >> 3 = 4, ...).
        package var facility: Int32
        package var tag: String
        /// Where the daemon listens, in the order tried (tests point this at their own socket).
        package var socketPaths: [String]

        package static let defaultSocketPaths = ["/dev/log", "/var/run/syslog", "/var/run/log"]
    }

    /// Vault's facility names (Go's `log/syslog` set), matched without regard to case.
    static let facilities: [String: Int32] = [
        "KERN": 0, "USER": 1, "MAIL": 2, "DAEMON": 3, "AUTH": 4, "SYSLOG": 5, "LPR": 6, "NEWS": 7,
        "UUCP": 8, "CRON": 9, "AUTHPRIV": 10, "FTP": 11,
        "LOCAL0": 16, "LOCAL1": 17, "LOCAL2": 18, "LOCAL3": 19, "LOCAL4": 20, "LOCAL5": 21, "LOCAL6": 22, "LOCAL7": 23,
    ]
    /// Vault's message when no daemon socket answers.
    static let unreachable = "Unix syslog delivery error"
    /// The local daemon reads fast or not at all; a second is generous (Vault allows 20 ms).
    static let sendTimeoutMilliseconds: Int64 = 1000

    let configuration: Configuration
    private let connection: AuditConnection
    private let pid = getpid()

    package init(_ configuration: Configuration) {
        self.configuration = configuration
        let paths = configuration.socketPaths
        self.connection = AuditConnection(target: "syslog", label: "custos.audit.syslog") { () throws(AuditWriteError) -> Int32 in
            for type in [Int32(SOCK_DGRAM.rawValue), Int32(SOCK_STREAM.rawValue)] {
                for path in paths {
                    if let fd = try? AuditConnection.connectUnix(path, type: type, timeoutMilliseconds: Self.sendTimeoutMilliseconds) {
                        return fd
                    }
                }
            }
            throw AuditWriteError(Self.unreachable)
        }
    }

    /// Connects now: enabling the device fails at once when no daemon listens, as in Vault.
    func connect() throws(AuditWriteError) {
        try connection.connectNow()
    }

    package func write(_ line: [UInt8]) async throws(AuditWriteError) {
        try await connection.send(frame(line, at: time(nil)))
    }

    /// The next line connects afresh (a restarted daemon made a new socket).
    package func reopen() throws(AuditWriteError) {
        connection.reopen()
    }

    package func close() {
        connection.close()
    }

    /// `<PRI>Mmm dd hh:mm:ss TAG[PID]: LINE` with the local time, the day padded with a space
    /// (Go's `time.Stamp`), and a final newline.
    func frame(_ line: [UInt8], at seconds: time_t) -> [UInt8] {
        let priority = configuration.facility << 3 | LOG_INFO
        var clock = seconds
        var local = tm()
        localtime_r(&clock, &local)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[Int(min(max(local.tm_mon, 0), 11))]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = local.tm_mday < 10 ? " \(local.tm_mday)" : "\(local.tm_mday)"
        let stamp = "\(month) \(day) \(two(local.tm_hour)):\(two(local.tm_min)):\(two(local.tm_sec))"
        var framed = Array("<\(priority)>\(stamp) \(configuration.tag)[\(pid)]: ".utf8)
        framed.reserveCapacity(framed.count + line.count + 1)
        framed += line
        if framed.last != UInt8(ascii: "\n") { framed.append(UInt8(ascii: "\n")) }
        return framed
    }
}
