/// Log lines on stderr, which the host forwards to its log tagged with the plugin's name and
/// pid. One `write(2)` per line so lines from concurrent tasks never interleave. Callers pass
/// only texts that hold no secret.
enum PluginLog {
    enum Level: String {
        case info, warning, error
    }

    static func write(_ level: Level, _ message: String) {
        var line = "[\(level.rawValue)] \(message)"
        line.removeAll { $0 == "\n" || $0 == "\r" }
        line.append("\n")
        _ = FileDescriptorIO.writeAll(2, Array(line.utf8))
    }
}
