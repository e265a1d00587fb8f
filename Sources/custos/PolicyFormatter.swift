/// `policy fmt`: canonical layout for HCL policies, as Vault's formatter lays them out: two
/// spaces per nesting level, one space around `=` and after `,`, none inside `[ ]`, one before
/// `{`, `=` aligned across consecutive one-line attributes of a block; comments and heredoc
/// bodies kept as written. It works on characters, not on the parsed tree, so nothing is lost;
/// the caller has already checked that the text parses. JSON policies are left alone.
enum PolicyFormatter {
    static func format(_ text: String) -> String {
        if text.drop(while: \.isWhitespace).first == "{" { return text }
        var depth = 0
        var heredocEnd: String?
        var lines: [(indent: Int, text: String)] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if let end = heredocEnd {
                lines.append((-1, String(raw)))   // heredoc body: verbatim
                if trimmed == end { heredocEnd = nil }
                continue
            }
            let line = normalize(trimmed)
            let leadingCloses = line.text.prefix { $0 == "}" || $0 == "]" }.count
            lines.append((max(0, depth - leadingCloses), line.text))
            depth = max(0, depth + line.opens - line.closes)
            heredocEnd = line.heredocEnd
        }
        // A blank line between top-level blocks.
        var spaced: [(indent: Int, text: String)] = []
        for (index, line) in lines.enumerated() {
            spaced.append(line)
            if line.indent == 0, line.text == "}", index + 1 < lines.count, !lines[index + 1].text.isEmpty {
                spaced.append((0, ""))
            }
        }
        var output = align(spaced).map { $0.indent < 0 ? $0.text : ($0.text.isEmpty ? "" : String(repeating: "  ", count: $0.indent) + $0.text) }
        while output.last?.isEmpty == true { output.removeLast() }
        return output.joined(separator: "\n") + "\n"
    }

    private struct Line {
        var text: String
        var opens = 0
        var closes = 0
        var heredocEnd: String?
    }

    /// One line's spacing, outside strings and comments; bracket counts outside strings.
    private static func normalize(_ line: String) -> Line {
        var result = Line(text: "")
        var out = ""
        var chars = Array(line)
        var i = 0
        var pendingSpace = false
        func emit(_ s: String, spaceBefore: Bool? = nil) {
            let wantSpace = spaceBefore ?? pendingSpace
            if wantSpace, !out.isEmpty, out.last != " ", out.last != "[" { out.append(" ") }
            out += s
            pendingSpace = false
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\"" {   // a string: copied as is, escapes included
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { j += chars[j] == "\\" ? 2 : 1 }
                emit(String(chars[i...min(j, chars.count - 1)]))
                i = j + 1
            } else if c == "#" || (c == "/" && i + 1 < chars.count && (chars[i + 1] == "/" || chars[i + 1] == "*")) {
                emit(String(chars[i...]), spaceBefore: !out.isEmpty)   // comment to the end of the line
                break
            } else if c == "<" && i + 1 < chars.count && chars[i + 1] == "<" {
                let marker = String(chars[i...])
                emit(marker)
                result.heredocEnd = String(marker.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
                break
            } else if c == " " || c == "\t" {
                pendingSpace = true
                i += 1
            } else if c == "=" {
                emit("=", spaceBefore: true)
                pendingSpace = true
                i += 1
            } else if c == "," {
                if out.last == " " { out.removeLast() }
                out.append(",")
                pendingSpace = true
                i += 1
            } else if c == "[" || c == "{" {
                emit(String(c), spaceBefore: c == "{" ? true : pendingSpace)
                result.opens += 1
                pendingSpace = c == "{"
                i += 1
            } else if c == "]" || c == "}" {
                if c == "]" { if out.last == " " { out.removeLast() }; out.append("]") } else { emit("}", spaceBefore: true) }
                result.closes += 1
                i += 1
            } else {
                emit(String(c))
                i += 1
                // Keep words together: copy the rest of a bare word in one go.
                while i < chars.count, !" \t=,[]{}\"#<".contains(chars[i]), !(chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "/") {
                    out.append(chars[i])
                    i += 1
                }
            }
        }
        chars = []
        result.text = out
        return result
    }

    /// Aligns `=` across runs of consecutive `key = value` lines at the same indent.
    private static func align(_ lines: [(indent: Int, text: String)]) -> [(indent: Int, text: String)] {
        var result = lines
        var start = 0
        while start < result.count {
            var end = start
            while end < result.count, let _ = attributeKey(result[end]), result[end].indent == result[start].indent { end += 1 }
            if end - start > 1 {
                let width = (start..<end).map { attributeKey(result[$0])!.count }.max()!
                for index in start..<end {
                    let key = attributeKey(result[index])!
                    let rest = result[index].text.dropFirst(key.count).drop(while: { $0 == " " })
                    result[index].text = key.padding(toLength: width, withPad: " ", startingAt: 0) + " " + rest
                }
            }
            start = max(end, start + 1)
        }
        return result
    }

    /// The key of a one-line `key = value` attribute (no block opened or closed on the line).
    private static func attributeKey(_ line: (indent: Int, text: String)) -> String? {
        guard line.indent >= 0, let equals = line.text.range(of: " = ") else { return nil }
        let key = String(line.text[..<equals.lowerBound])
        guard !key.isEmpty, !key.contains(" "), !key.hasPrefix("#"), !key.hasPrefix("//") else { return nil }
        let value = line.text[equals.upperBound...]
        let opens = value.filter { $0 == "{" || $0 == "[" }.count
        let closes = value.filter { $0 == "}" || $0 == "]" }.count
        return opens == closes ? key : nil
    }
}

import Foundation
