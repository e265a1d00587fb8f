import PluginHost
import ServiceLifecycle

/// The plugin processes' part of the server's graceful shutdown: once the services after it in
/// the group (the listeners, the engines' background work) have stopped, every plugin is asked
/// to exit and reaped. Cancellation (the group failing) stops them the same way.
struct PluginSupervisorService: Service {
    let supervisor: PluginSupervisor

    func run() async {
        try? await gracefulShutdown()
        await supervisor.shutdown()
    }
}
