import Foundation

/// Aligned columns as the Vault CLI prints them (its `columnize` settings): cells trimmed,
/// empty cells shown as `n/a`, columns joined by four spaces, the last column unpadded.
enum TableRendering {
    static func render(_ rows: [[String]]) -> String {
        let cells = rows.map { row in
            row.map { cell -> String in
                let trimmed = cell.trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? "n/a" : trimmed
            }
        }
        let columnCount = cells.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columnCount)
        for row in cells {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return cells.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "    ")
        }.joined(separator: "\n")
    }

    /// A `Key`/`Value` table, the shape of `vault read` and `vault status`.
    static func keyValue(_ pairs: [(String, String)]) -> String {
        render([["Key", "Value"], ["---", "-----"]] + pairs.map { [$0.0, $0.1] })
    }

    /// A table with a header row and a dashed rule under it, as `vault secrets list` prints.
    static func withHeader(_ header: [String], _ rows: [[String]]) -> String {
        render([header, header.map { String(repeating: "-", count: $0.count) }] + rows)
    }
}
