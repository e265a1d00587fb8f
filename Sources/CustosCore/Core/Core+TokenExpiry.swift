import Foundation
import Logging
import Synchronization

extension Core {
    /// Sweeps expired tokens while this token store serves; stops once the core seals (or
    /// unseals again with a new store). Only a safety net: tokens expire through their leases on
    /// the expiration manager and presented tokens are checked on every request; this catches
    /// tokens without a lease (stored before token leases, or a crash before the lease's write).
    func startTokenSweeper(_ tokens: TokenStore) {
        let interval = settings.tokenSweepInterval
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, self.runtime.withLock({ $0?.tokens === tokens }) else { return }
                do {
                    let count = try await tokens.revokeExpired()
                    if count > 0 { self.logger.info("revoked expired tokens", metadata: ["count": "\(count)"]) }
                } catch {
                    self.logger.warning("token sweep failed", metadata: ["error_type": "\(type(of: error))"])
                }
            }
        }
        tokenSweeper.withLock { previous in
            previous?.cancel()
            previous = task
        }
    }
}
