/// The protocol version this module speaks. A plugin lists the versions it supports in
/// `PluginInfo.protocolVersions`; the host refuses a plugin whose list lacks this one.
public let pluginProtocolVersion = 1

/// Environment variable the host sets (to `"1"`) when it starts a plugin. Its absence means the
/// binary was run by hand, and the plugin refuses to speak the protocol on a terminal.
public let pluginProtocolEnvironmentKey = "CUSTOS_PLUGIN_PROTOCOL"

/// Largest message (one line, without its `\n`) either side accepts: 4 MiB.
public let pluginMaxMessageBytes = 4 * 1024 * 1024
