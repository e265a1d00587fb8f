public import Foundation

/// Text forms of an expiry for statements (`{{expiration}}`).
public enum ExpirationFormat {
    /// `2026-11-21T06:00:00Z` (UTC, whole seconds): the wire form.
    public static func rfc3339(_ date: Date) -> String {
        RFC3339.string(from: date)
    }

    /// `2026-11-21 06:00:00+00` (UTC, whole seconds): the form PostgreSQL's `VALID UNTIL` takes,
    /// and what Vault substitutes for `{{expiration}}` in PostgreSQL statements.
    public static func postgreSQL(_ date: Date) -> String {
        let wire = RFC3339.string(from: date)  // YYYY-MM-DDTHH:MM:SSZ
        let datePart = wire.prefix(10)
        let timePart = wire.dropFirst(11).dropLast()
        return "\(datePart) \(timePart)+00"
    }
}
