/// Failures of lease operations. Messages name lease ids (not secret) but never carry
/// `secretData`, tokens or engine credentials.
package struct LeaseError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        /// No lease with that id (Vault answers 400 for renew/revoke of an unknown lease).
        case notFound
        case notRenewable
        case invalidID
        /// Another operation (an expiry revocation, a renew) holds the lease right now.
        case busy
        /// `retryIrrevocable` on a lease that is not irrevocable.
        case notIrrevocable
        /// The engine's revoke or renew call failed; the message says why, without secrets.
        case engineFailed
        /// The manager was not started or is shutting down.
        case unavailable
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }

    /// The API's view: bad input and unknown leases are 400 as in Vault, engine trouble is 500.
    package var custosError: CustosError {
        switch code {
        case .notFound, .notRenewable, .invalidID, .busy, .notIrrevocable: CustosError(.badRequest, message)
        case .engineFailed: CustosError(.internal, message)
        case .unavailable: CustosError(.sealed, message)
        }
    }
}
