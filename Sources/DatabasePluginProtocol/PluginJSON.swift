public import Foundation

/// Encoder and decoder set up for the protocol: `Date` as RFC 3339 UTC strings. (The message
/// types also encode their dates as RFC 3339 themselves, so any JSONEncoder produces the wire
/// form; these factories matter for types a plugin or host adds.)
public enum PluginJSON {
    /// A fresh encoder (JSONEncoder is a mutable class; a new one per use keeps sharing safe).
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    /// A fresh decoder reading `Date` from RFC 3339 strings.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try RFC3339Coding.decodeDate(from: decoder.singleValueContainer())
        }
        return decoder
    }
}

/// Shared Date coding for the message types with an `expiration`.
enum RFC3339Coding {
    static func decodeDate(from container: any SingleValueDecodingContainer) throws -> Date {
        let text = try container.decode(String.self)
        guard let date = RFC3339.date(from: text) else {
            // Never quote the value: keep error texts free of caller data.
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 timestamp")
        }
        return date
    }

    static func decodeDate<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = RFC3339.date(from: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "not an RFC 3339 timestamp")
        }
        return date
    }
}
