#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a catalog `command` into the path of an executable that provably lives inside the
/// configured plugin directory. Everything is checked on the symlink-resolved path, so a link
/// that points outside the directory is refused like `../x` is.
package struct PluginCommandResolver: Sendable {
    /// `nil` when the server has no `plugin_directory`: then only builtins can run.
    package let pluginDirectory: String?

    package init(pluginDirectory: String?) {
        self.pluginDirectory = pluginDirectory
    }

    package func resolve(_ command: String, plugin: String) throws(PluginHostError) -> String {
        guard let pluginDirectory, !pluginDirectory.isEmpty else {
            throw PluginHostError(
                .pluginDirectoryNotConfigured, plugin: plugin,
                "no plugin_directory is configured, so only builtin plugins can run")
        }
        guard !command.isEmpty else {
            throw PluginHostError(.invalidEntry, plugin: plugin, "command is empty")
        }
        guard !command.hasPrefix("/") else {
            throw PluginHostError(
                .commandAbsolute, plugin: plugin, "command must be a path relative to plugin_directory, not absolute")
        }
        let components = command.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains("..") else {
            throw PluginHostError(.commandTraversal, plugin: plugin, "command must not contain \"..\" components")
        }
        guard !command.utf8.contains(0) else {
            throw PluginHostError(.invalidEntry, plugin: plugin, "command contains a NUL byte")
        }
        guard let directory = Self.realPath(pluginDirectory) else {
            throw PluginHostError(
                .pluginDirectoryNotConfigured, plugin: plugin, "plugin_directory \(pluginDirectory) does not exist")
        }
        let joined = directory + "/" + command
        guard let resolved = Self.realPath(joined) else {
            throw PluginHostError(
                .commandNotFound, plugin: plugin, "command \(command) does not exist in plugin_directory")
        }
        guard resolved.hasPrefix(directory == "/" ? "/" : directory + "/") else {
            throw PluginHostError(
                .commandOutsideDirectory, plugin: plugin,
                "command \(command) resolves to a file outside plugin_directory")
        }
        try Self.checkExecutableFile(resolved, command: command, plugin: plugin)
        return resolved
    }

    /// A regular file the server may execute.
    static func checkExecutableFile(_ path: String, command: String, plugin: String) throws(PluginHostError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PluginHostError(.commandNotFound, plugin: plugin, "command \(command) does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw PluginHostError(.commandNotExecutable, plugin: plugin, "command \(command) is not a regular file")
        }
        guard access(path, X_OK) == 0 else {
            throw PluginHostError(.commandNotExecutable, plugin: plugin, "command \(command) is not executable")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
