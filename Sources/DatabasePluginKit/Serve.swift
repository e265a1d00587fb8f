import Foundation

/// Runs the plugin until the host closes stdin; never returns.
///
/// Checks `CUSTOS_PLUGIN_PROTOCOL` (without it: prints to stderr that this is a Custos database
/// plugin to be started by Custos, exits 1), then reads request lines from stdin on a dedicated
/// thread and runs every request in its own task, so calls overlap and are answered in the order
/// they finish. Responses go out through one writer as whole lines (several per `write(2)` when
/// several are ready). A thrown `PluginError` reaches the host with its kind and message; any
/// other error as kind `internal` with a generic message (its type is logged to stderr, its text
/// is not: it could carry a secret). Malformed lines get a -32700 answer and serving goes on;
/// unknown methods get -32601; calls on a connection that was never initialised get
/// `invalid_request`. On stdin EOF: waits (bounded) for the calls in flight, calls `close` for
/// every connection still initialised, exits 0. If stdout is gone (the host died), exits 1.
public func serve(_ plugin: some DatabasePlugin) async -> Never {
    StartupCheck.requireHost(info: plugin.info)
    FileDescriptorIO.ignoreSIGPIPE()
    let protocolOutput = FileDescriptorIO.takeOverStdout()
    await PluginServer(plugin: plugin, outputFD: protocolOutput).run()
}
