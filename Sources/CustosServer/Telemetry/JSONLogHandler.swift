import Foundation
package import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `log_format = "json"`: one JSON object per line on stderr, in the shape of Vault's JSON logs
/// (`@timestamp`, `@level`, `@message`, `@module`, then the metadata as keys). Each line is
/// written with one `write(2)` under a process-wide lock, so lines from concurrent loggers never
/// interleave.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    private let module: String
    private let fileDescriptor: Int32

    package init(label: String, fileDescriptor: Int32 = STDERR_FILENO) {
        self.module = label
        self.fileDescriptor = fileDescriptor
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = value.description }
        for (key, value) in event.metadata ?? [:] { fields[key] = value.description }
        fields["@timestamp"] = Self.timestamp(Date())
        fields["@level"] = Self.vaultLevel(event.level)
        fields["@message"] = event.message.description
        fields["@module"] = module
        guard var line = try? Self.encoder.encode(fields) else { return }
        line.append(UInt8(ascii: "\n"))
        Self.writeLock.withLock { _ in Self.writeAll(line, to: fileDescriptor) }
    }

    private static let writeLock = Mutex(())

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func writeAll(_ data: Data, to fileDescriptor: Int32) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// Vault's level names.
    static func vaultLevel(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error, .critical: "error"
        }
    }

    /// RFC 3339 in UTC with microseconds, as Vault's `@timestamp`.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let microseconds = Int((date.timeIntervalSince1970 - Double(seconds)) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))."
            + "\(pad(min(max(microseconds, 0), 999_999), 6))Z"
    }
}
