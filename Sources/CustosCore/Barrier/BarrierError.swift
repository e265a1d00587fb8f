package import Foundation

package struct BarrierError: Error, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        case sealed
        case invalidKey
        case notInitialized
        case alreadyInitialized
        case decryptionFailed
    }

    package var code: Code
    /// Never contains key material or a decrypted value.
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "barrier error (\(code)): \(message)" }

    static let sealed = BarrierError(code: .sealed, message: "the barrier is sealed")
}

/// The active encryption key's status (Vault's `sys/key-status`).
package struct BarrierKeyStatus: Sendable, Codable, Equatable {
    package var term: Int
    package var installTime: Date
    /// Values encrypted with this term's key since it was installed.
    package var encryptions: Int

    package init(term: Int, installTime: Date, encryptions: Int) {
        self.term = term
        self.installTime = installTime
        self.encryptions = encryptions
    }
}
