import Foundation

/// What the token store tells the expiration manager (installed by the core): a token with a TTL
/// has a lease of its own that expires with it, and a revoked token takes its leases along.
package protocol TokenLeaseObserver: Sendable {
    /// A token was stored; a failure makes the creation fail (the token is removed again).
    func tokenCreated(_ entry: TokenEntry) async throws
    /// A token's expiry moved (renew, renew-self).
    func tokenRenewed(_ entry: TokenEntry) async throws
    /// Tokens were removed (a subtree, an orphaned parent, a prefix); their own leases and the
    /// leases they created go next. Runs after the tokens are gone, outside the store's lock.
    func tokensRevoked(_ entries: [TokenEntry]) async
}
