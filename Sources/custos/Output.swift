import CustosJSON
import Foundation
import VaultAPI

/// The one output formatter: prints responses as Vault's CLI does, in table or JSON format.
struct Output: Sendable {
    let format: OutputFormat

    func line(_ text: String) {
        print(text)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `Success! ...` lines are table-only: JSON output stays machine-readable.
    func success(_ text: String) {
        if format == .table { print(text) }
    }

    func json(_ value: JSONValue, keyOrder: [String] = []) {
        print(JSONRendering.pretty(value, keyOrder: keyOrder))
    }

    func json<Value: Encodable>(encoding value: Value) throws {
        let data = try JSONEncoder().encode(value)
        json(try JSONDecoder().decode(JSONValue.self, from: data))
    }

    /// A response envelope: lease fields first, then auth, then the sorted data keys.
    func secret(_ secret: SecretResponse) {
        switch format {
        case .json:
            print(JSONRendering.pretty(orderedFields: secret.orderedJSONFields, nestedKeyOrder: ["auth": AuthBlock.jsonKeyOrder]))
        case .table:
            // Warnings go first, on stderr, as Vault prints them.
            printWarnings(secret.warnings)
            let rows = SecretTable.rows(for: secret)
            if !rows.isEmpty { print(TableRendering.keyValue(rows)) }
        }
    }

    func printWarnings(_ warnings: [String]?) {
        guard let warnings, !warnings.isEmpty else { return }
        var text = "WARNING! The following warnings were returned from the server:\n"
        for warning in warnings { text += "\n  * \(warning)\n" }
        Output.error(text)
    }

    /// `-field=NAME`: one value, raw, with no trailing newline unless a person is looking
    /// (so `$(custos read -field=x ...)` and pipes get exactly the value, like Vault).
    func field(_ name: String, of secret: SecretResponse) throws {
        guard let value = SecretTable.field(name, of: secret) else {
            throw CommandFailure.local("Field \"\(name)\" not present in secret")
        }
        let text: String
        switch (value, format) {
        case (.string(let s), _): text = s
        case (_, .json): text = JSONRendering.pretty(value)
        case (_, .table): text = GoValueRendering.render(value)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        if isatty(STDOUT_FILENO) != 0 {
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }

    /// A `Keys` column, as `vault list` prints it.
    func keys(_ keys: [String]) {
        switch format {
        case .json: json(.array(keys.map { .string($0) }))
        case .table: print(TableRendering.withHeader(["Keys"], keys.map { [$0] }))
        }
    }
}
