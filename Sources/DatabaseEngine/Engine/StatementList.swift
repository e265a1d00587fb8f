import CustosCore

/// Statements as Vault takes them: a list, or one string holding one or more statements (split
/// later by the plugin, which knows its SQL). An empty string is no statement.
struct StatementList: Decodable, Sendable, Equatable {
    var statements: [String]

    init(_ statements: [String]) { self.statements = statements }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([String].self) {
            statements = list.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        } else if let text = try? container.decode(String.self) {
            statements = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : [text]
        } else {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: decoder.codingPath, debugDescription: "expected a statement or a list of statements"))
        }
    }
}

import Foundation
