/// Splits a string of SQL statements on `;`, the way an admin writes role statements
/// (`CREATE ROLE ...; GRANT ...;`), without splitting inside quoted text:
/// `'...'` (with `''`), `E'...'` (with backslash escapes), `"..."` identifiers, `$tag$...$tag$`
/// dollar quotes (so a `DO $$ ... ; ... $$` block stays whole), `--` line comments and nested
/// `/* */` comments. Statements are trimmed; empty or comment-only ones are dropped.
/// Written for PostgreSQL's lexical rules, which are a superset of what most SQL databases need.
public enum SQLStatementSplitter {
    public static func split(_ text: String) -> [String] {
        var scanner = Scanner(Array(text.utf8))
        return scanner.statements()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var statementStart = 0
        /// Whether the current statement has anything but whitespace and comments.
        var hasCode = false
        var result: [String] = []

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func statements() -> [String] {
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: ";"):
                    finishStatement(endingAt: index)
                    index += 1
                    statementStart = index
                case UInt8(ascii: "'"):
                    hasCode = true
                    let escaped = index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e") && !isIdentifierByte(at: index - 2)
                    skipQuoted(quote: UInt8(ascii: "'"), backslashEscapes: escaped)
                case UInt8(ascii: "\""):
                    hasCode = true
                    skipQuoted(quote: UInt8(ascii: "\""), backslashEscapes: false)
                case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                    skipLineComment()
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                    skipBlockComment()
                case UInt8(ascii: "$") where !isIdentifierByte(at: index - 1):
                    hasCode = true
                    skipDollarQuoteIfAny()
                default:
                    if !isWhitespace(byte) { hasCode = true }
                    index += 1
                }
            }
            finishStatement(endingAt: bytes.count)
            return result
        }

        private func peek(_ offset: Int) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        private func isIdentifierByte(at position: Int) -> Bool {
            guard position >= 0, position < bytes.count else { return false }
            let byte = bytes[position]
            return isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "$")
        }

        private func isIdentifierStart(_ byte: UInt8) -> Bool {
            let lower = byte | 0x20
            return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_") || byte >= 0x80
        }

        private func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C || byte == 0x0B
        }

        /// From an opening quote to just past its closing quote (a doubled quote is an escaped one).
        private mutating func skipQuoted(quote: UInt8, backslashEscapes: Bool) {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if backslashEscapes && byte == UInt8(ascii: "\\") {
                    index += 2
                } else if byte == quote {
                    if peek(1) == quote {
                        index += 2
                    } else {
                        index += 1
                        return
                    }
                } else {
                    index += 1
                }
            }
        }

        private mutating func skipLineComment() {
            while index < bytes.count && bytes[index] != UInt8(ascii: "\n") {
                index += 1
            }
        }

        /// PostgreSQL block comments nest.
        private mutating func skipBlockComment() {
            var depth = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                    depth += 1
                    index += 2
                } else if bytes[index] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                    depth -= 1
                    index += 2
                    if depth == 0 { return }
                } else {
                    index += 1
                }
            }
        }

        /// `$tag$` (tag: empty or an identifier without `$`) opens a dollar quote that runs to the
        /// same `$tag$`. Anything else (`$1`, a lone `$`) is ordinary text.
        private mutating func skipDollarQuoteIfAny() {
            var end = index + 1
            if end < bytes.count && isIdentifierStart(bytes[end]) {
                end += 1
                while end < bytes.count && isIdentifierByte(at: end) && bytes[end] != UInt8(ascii: "$") {
                    end += 1
                }
            }
            guard end < bytes.count && bytes[end] == UInt8(ascii: "$") else {
                index += 1
                return
            }
            let delimiter = bytes[index...end]
            var search = end + 1
            while search + delimiter.count <= bytes.count {
                if bytes[search] == UInt8(ascii: "$") && bytes[search..<(search + delimiter.count)].elementsEqual(delimiter) {
                    index = search + delimiter.count
                    return
                }
                search += 1
            }
            index = bytes.count  // unterminated: the rest is one quoted body
        }

        private mutating func finishStatement(endingAt end: Int) {
            defer { hasCode = false }
            guard hasCode else { return }
            let statement = String(decoding: bytes[statementStart..<end], as: UTF8.self)
            let trimmed = statement.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed()
            result.append(String(trimmed))
        }
    }
}
