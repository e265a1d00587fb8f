import CustosCore
import ServiceLifecycle
import UnixSignals

/// SIGHUP asks the audit devices to reopen their files, as Vault does, so that logrotate can
/// move a log away (`postrotate: kill -HUP`). It never stops the server. The handler is installed
/// when this is made, before the server announces itself: an early SIGHUP cannot kill it.
struct AuditReopenService: Service {
    let core: Core
    let hangups: UnixSignalsSequence

    init(core: Core) async {
        self.core = core
        hangups = await UnixSignalsSequence(trapping: .sighup)
    }

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            core.reopenAuditDevices()
        }
    }
}
