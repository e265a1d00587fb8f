/// Heredocs of the HCL native syntax (quoted strings are scanned by `HCLQuotedString.swift`,
/// shared with the JSON parser).
extension HCLLexer {
    /// `<<EOF` ... `EOF`, and `<<-EOF` whose lines lose the terminator line's indentation.
    ///
    /// The closing anchor may be indented in both forms. The text includes the newline that ends
    /// its last line, as in HCL 1.
    mutating func lexHeredoc() throws(HCLError) -> String {
        let start = cursor.position
        cursor.advance(by: 2)
        let indented = cursor.current == UInt8(ascii: "-")
        if indented { cursor.advance() }
        let anchorStart = cursor.offset
        while let byte = cursor.current, HCLByte.isLetter(byte) || HCLByte.isDigit(byte) { cursor.advance() }
        let anchor = Array(cursor.bytes[anchorStart..<cursor.offset])
        if anchor.isEmpty {
            throw cursor.error("heredoc needs an anchor name after '<<', like <<EOF", at: start)
        }
        if cursor.current == UInt8(ascii: "\r"), cursor.peek(1) == UInt8(ascii: "\n") { cursor.advance() }
        guard let afterAnchor = cursor.current else {
            throw cursor.error("unterminated heredoc: no closing anchor line", at: start)
        }
        guard afterAnchor == UInt8(ascii: "\n") else {
            throw cursor.error("heredoc anchor must be followed by a newline")
        }
        cursor.advance()

        let bytes = cursor.bytes
        let contentStart = cursor.offset
        while true {
            let lineStart = cursor.offset
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if let indentEnd = Self.terminatorIndentEnd(bytes, line: lineStart..<lineEnd, anchor: anchor) {
                let content = Array(bytes[contentStart..<lineStart])
                let indent = Array(bytes[lineStart..<indentEnd])
                cursor.advance(by: lineEnd - lineStart)
                let text = indented ? Self.unindent(content, by: indent) : content
                return String(decoding: text, as: UTF8.self)
            }
            if lineEnd == bytes.count {
                throw cursor.error("unterminated heredoc: no closing anchor line", at: start)
            }
            cursor.advance(by: lineEnd + 1 - lineStart)
        }
    }

    /// If `line` is optional whitespace, the anchor, optional `\r`s, returns where the whitespace ends.
    private static func terminatorIndentEnd(_ bytes: [UInt8], line: Range<Int>, anchor: [UInt8]) -> Int? {
        var index = line.lowerBound
        while index < line.upperBound, HCLByte.isInlineSpace(bytes[index]) { index += 1 }
        let indentEnd = index
        guard line.upperBound - index >= anchor.count,
              bytes[index..<(index + anchor.count)].elementsEqual(anchor) else { return nil }
        index += anchor.count
        while index < line.upperBound {
            guard bytes[index] == UInt8(ascii: "\r") else { return nil }
            index += 1
        }
        return indentEnd
    }

    /// HCL 1's `<<-` rule: strip the closing anchor's indentation from every line, but only if
    /// every line starts with it; otherwise the text is left as written. Unlike HCL 1, blank
    /// (whitespace-only) lines do not count against the rule, so a blank line inside an
    /// indented heredoc does not switch stripping off.
    static func unindent(_ content: [UInt8], by indent: [UInt8]) -> [UInt8] {
        guard !indent.isEmpty, !content.isEmpty else { return content }
        let lines = content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(HCLByte.isInlineSpace) }
        for line in lines where !line.starts(with: indent) && !isBlank(line) {
            return content
        }
        var result: [UInt8] = []
        result.reserveCapacity(content.count)
        for (index, line) in lines.enumerated() {
            if index > 0 { result.append(UInt8(ascii: "\n")) }
            if line.starts(with: indent) {
                result.append(contentsOf: line.dropFirst(indent.count))
            } else if !isBlank(line) {
                result.append(contentsOf: line)
            }
        }
        return result
    }
}
