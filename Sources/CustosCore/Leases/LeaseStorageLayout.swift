package import Foundation

/// Where leases live in storage (logical keys, i.e. through the barrier in production).
///
/// Lease ids keep their folders: `sys/expire/id/database/creds/ro/Xb3...`. This is what makes
/// LIST `sys/leases/lookup/<prefix>` a plain storage `list` and revoke-prefix a `scan`, as in
/// Vault; `LeaseID.validate` guarantees ids are clean relative paths.
///
/// | key | value |
/// |---|---|
/// | `sys/expire/id/<lease id>` | the `LeaseEntry` (JSON) |
/// | `sys/expire/due/<15-digit ms since 1970>/<lease id>` | empty: the expiry queue on disk |
/// | `sys/expire/irrevocable/<lease id>` | empty |
/// | `sys/expire/token/<accessor>/<lease id>` | empty: a token's leases without a full scan |
/// | `sys/expire/pending/<lease id>` | the `PendingIssue` (JSON) |
///
/// The due index carries the next action time in the key so that restoring the queue is one
/// key-only `scan` (no value is read or decrypted): that is what keeps a restore of a million
/// leases within seconds. Every change that moves the time rewrites the lease and its due key
/// in one transaction, so the two always agree.
package enum LeaseStorageLayout {
    package static let leases = "sys/expire/id/"
    package static let due = "sys/expire/due/"
    package static let irrevocable = "sys/expire/irrevocable/"
    package static let tokens = "sys/expire/token/"
    package static let pending = "sys/expire/pending/"

    static let deadlineDigits = 15

    package static func leaseKey(_ id: String) -> String { leases + id }
    package static func irrevocableKey(_ id: String) -> String { irrevocable + id }
    package static func pendingKey(_ id: String) -> String { pending + id }
    package static func tokenPrefix(_ accessor: String) -> String { tokens + accessor + "/" }
    package static func tokenKey(_ accessor: String, _ id: String) -> String { tokenPrefix(accessor) + id }

    package static func dueKey(_ id: String, at time: Date) -> String {
        due + encodeDeadline(milliseconds(time)) + "/" + id
    }

    /// Where an entry's queue position is recorded: its due key, or its irrevocable marker.
    static func scheduleKey(of lease: LeaseEntry) -> String {
        if let time = lease.scheduledTime { return dueKey(lease.id, at: time) }
        return irrevocableKey(lease.id)
    }

    package static func milliseconds(_ time: Date) -> Int64 {
        let value = (time.timeIntervalSince1970 * 1000).rounded(.up)
        guard value.isFinite else { return 0 }
        return Int64(min(max(value, 0), 9.99e14))
    }

    package static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func encodeDeadline(_ milliseconds: Int64) -> String {
        let digits = String(milliseconds)
        return String(repeating: "0", count: max(0, deadlineDigits - digits.utf8.count)) + digits
    }

    /// Parses a key relative to `due` ("000001763705000000/<lease id>") without Foundation
    /// string machinery: this runs a million times per restore.
    static func parseDueKey(_ relativeKey: String) -> (milliseconds: Int64, id: String)? {
        let utf8 = relativeKey.utf8
        var milliseconds: Int64 = 0
        var index = utf8.startIndex
        var digitCount = 0
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "/") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digitCount < 18 else { return nil }
            milliseconds = milliseconds * 10 + Int64(byte - UInt8(ascii: "0"))
            digitCount += 1
            index = utf8.index(after: index)
        }
        guard digitCount > 0, index != utf8.endIndex else { return nil }
        let idStart = utf8.index(after: index)
        guard idStart != utf8.endIndex else { return nil }
        return (milliseconds, String(Substring(utf8[idStart...])))
    }
}
