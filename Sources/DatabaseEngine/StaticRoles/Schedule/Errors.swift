/// A `rotation_schedule` that does not parse. `message` follows robfig/cron
/// v3's wording (the parser Vault uses) so operators see familiar text.
package struct ScheduleError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}

/// A static role's rotation fields that Vault would reject. `message` is the
/// text Vault puts in the 400 response's `errors` array.
package struct RotationConfigError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
