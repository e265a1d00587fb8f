import Foundation
import Logging

extension Core {
    /// Sweeps expired tokens while this unseal lasts: a child of the expiration manager's task
    /// group, so the seal that stops the manager ends it. Only a safety net: tokens expire
    /// through their leases on the expiration manager and presented tokens are checked on every
    /// request; this catches tokens without a lease (stored before token leases, or a crash
    /// before the lease's write).
    func startTokenSweeper(_ tokens: TokenStore, on expiration: ExpirationManager) async {
        let interval = settings.tokenSweepInterval
        let clock = settings.clock
        let logger = self.logger
        await expiration.runInBackground {
            while true {
                do {
                    try await clock.sleep(until: clock.now.addingTimeInterval(interval))
                } catch {
                    return  // cancelled: sealed
                }
                do {
                    let count = try await tokens.revokeExpired()
                    if count > 0 { logger.info("revoked expired tokens", metadata: ["count": "\(count)"]) }
                } catch {
                    logger.warning("token sweep failed", metadata: ["error_type": "\(type(of: error))"])
                }
            }
        }
    }
}
