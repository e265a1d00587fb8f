package import DatabasePluginProtocol

/// Every failure the plugin host reports. Callers switch on `code`, never on `message`; messages
/// name the plugin and say what went wrong, and never carry params, passwords or config values.
package struct PluginHostError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Hashable {
        // Catalog
        case invalidName = "invalid_name"
        case invalidEntry = "invalid_entry"
        case pluginDirectoryNotConfigured = "plugin_directory_not_configured"
        case commandAbsolute = "command_absolute"
        case commandTraversal = "command_traversal"
        case commandOutsideDirectory = "command_outside_directory"
        case commandNotFound = "command_not_found"
        case commandNotExecutable = "command_not_executable"
        case checksumMismatch = "checksum_mismatch"
        case notFound = "not_found"
        case builtinImmutable = "builtin_immutable"
        case storage = "storage"
        // Process and protocol
        case spawnFailed = "spawn_failed"
        case handshakeFailed = "handshake_failed"
        case unsupportedProtocolVersion = "unsupported_protocol_version"
        case pluginExited = "plugin_exited"
        case protocolViolation = "protocol_violation"
        case deadlineExceeded = "deadline_exceeded"
        case backingOff = "backing_off"
        case shutDown = "shut_down"
        case messageTooLarge = "message_too_large"
        case encodingFailed = "encoding_failed"
        case decodingFailed = "decoding_failed"
        /// The plugin answered with a JSON-RPC error; `remote` holds its kind and message.
        case remote = "remote"
    }

    package var code: Code
    /// The plugin (catalog name) concerned, when there is one.
    package var plugin: String?
    package var message: String
    /// The plugin's own error, for `code == .remote`.
    package var remote: PluginError?
    /// The JSON-RPC error code of a `.remote` error (-32601, -32000, ...).
    package var rpcCode: Int?

    package init(
        _ code: Code, plugin: String? = nil, _ message: String, remote: PluginError? = nil, rpcCode: Int? = nil
    ) {
        self.code = code
        self.plugin = plugin
        self.message = message
        self.remote = remote
        self.rpcCode = rpcCode
    }

    package var description: String {
        if let plugin { return "plugin \"\(plugin)\": \(message)" }
        return message
    }
}
