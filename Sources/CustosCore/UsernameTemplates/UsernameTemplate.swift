#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// A parsed `username_template`: Vault's dialect of Go's text/template with the
/// helper functions of Vault's sdk/helper/template. Parsing checks everything
/// that does not depend on the data, so `init` failing means "answer 400".
///
///     let template = try UsernameTemplate(UsernameTemplate.Defaults.postgreSQL)
///     let name = try template.render(.init(data: ["DisplayName": "token", "RoleName": "ro"]))
package struct UsernameTemplate: Sendable {
    /// The template text as written.
    package let text: String
    /// Every `.Field` the template reads. Vault renders a new template once with
    /// empty metadata to reject unknown fields; `validate(availableFields:)` does that.
    package let referencedFields: Set<String>

    private let segments: [Segment]
    private let locator: SourceLocator

    package init(_ text: String) throws(UsernameTemplateError) {
        guard !text.isEmpty else {
            throw UsernameTemplateError(.syntax, "missing template")
        }
        let bytes = Array(text.utf8)
        guard bytes.count <= Limits.maxTemplateBytes else {
            throw UsernameTemplateError(.limitExceeded, "template is longer than \(Limits.maxTemplateBytes) bytes")
        }
        let locator = SourceLocator(bytes)
        let tokens = try Lexer.tokenize(bytes)
        let segments = try Parser.parse(tokens, locator: locator)
        self.referencedFields = try TypeChecker.check(segments, locator: locator)
        self.text = text
        self.segments = segments
        self.locator = locator
    }

    /// Produces a username. Throws for a field missing from `context.data`, an
    /// unusable clock or random source (only if the template reads it), or a
    /// value past the size limits.
    package func render(_ context: Context) throws(UsernameTemplateError) -> String {
        var evaluator = Evaluator(
            data: context.data,
            now: context.now,
            zone: context.timeZone,
            random: context.random,
            locator: locator
        )
        do {
            return try evaluator.render(segments)
        } catch {
            var error = error
            error.phase = .render
            throw error
        }
    }

    /// Write-time check in Vault's manner: every referenced field must be one the
    /// engine supplies, and a trial render with empty values must succeed.
    package func validate(availableFields: some Sequence<String>) throws(UsernameTemplateError) {
        let available = Set(availableFields)
        if let missing = referencedFields.subtracting(available).sorted().first {
            let known = available.sorted().map { "." + $0 }.joined(separator: ", ")
            throw UsernameTemplateError(.unknownField, "can't evaluate field \(missing) (available: \(known.isEmpty ? "none" : known))")
        }
        var data: [String: String] = [:]
        for field in available { data[field] = "" }
        _ = try render(Context(data: data))
    }
}

extension UsernameTemplate {
    /// Everything a render may read besides the template itself.
    package struct Context: Sendable {
        /// Field values, e.g. `DisplayName` and `RoleName` for the database engine.
        package var data: [String: String]
        /// The instant `unix_time`, `unix_time_millis` and `timestamp` report.
        package var now: Date
        /// Zone for `timestamp`. Vault uses the server's local zone; Custos defaults
        /// to UTC so names do not depend on how a host is configured.
        package var timeZone: Zone
        /// Source for `random` and `uuid`. It is copied at the start of each render,
        /// so a seeded generator makes a given context render the same every time.
        package var random: any RandomNumberGenerator & Sendable

        package init(
            data: [String: String] = [:],
            now: Date = Date(),
            timeZone: Zone = .utc,
            random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
        ) {
            self.data = data
            self.now = now
            self.timeZone = timeZone
            self.random = random
        }
    }

    /// A fixed UTC offset with the abbreviation Go prints for `MST`.
    package struct Zone: Sendable, Hashable {
        package var name: String
        package var offsetSeconds: Int

        /// Offsets beyond ±24 h are clamped: no real zone has them and it keeps
        /// date arithmetic in range.
        package init(name: String, offsetSeconds: Int) {
            self.name = name
            self.offsetSeconds = min(max(offsetSeconds, -86_400), 86_400)
        }

        package static let utc = Zone(name: "UTC", offsetSeconds: 0)
    }

    /// Names of the fields the database engine passes (dbplugin.UsernameMetadata).
    package enum Field {
        package static let displayName = "DisplayName"
        package static let roleName = "RoleName"
    }
}
