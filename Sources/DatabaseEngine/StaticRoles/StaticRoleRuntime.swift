import CustosCore

/// What the static roles of one engine instance share: the rotation scheduler and the per-role
/// lock. Made with the engine (one per unseal or enable), stopped with it.
struct StaticRoleRuntime: Sendable {
    let scheduler: StaticRotationScheduler
    let locks = KeyedLock()

    init(context: EngineContext, tasks: BackgroundTaskHost) {
        scheduler = StaticRotationScheduler(clock: context.clock, logger: context.logger, tasks: tasks)
    }
}
