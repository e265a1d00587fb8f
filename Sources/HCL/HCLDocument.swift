/// Entry points: parse a config file or policy written in HCL 1 or in JSON.
package enum HCLDocument {
    /// JSON when the first non-whitespace character is `{` (an HCL body cannot start with one),
    /// HCL otherwise.
    package static func parse(_ text: String, filename: String? = nil) throws(HCLError) -> HCLObject {
        if isJSON(text) {
            return try parseJSON(text, filename: filename)
        }
        return try parseHCL(text, filename: filename)
    }

    /// Whether `parse` reads `text` as JSON: its first character after any byte-order mark and
    /// whitespace is `{`.
    package static func isJSON(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let firstSignificant = bytes.first { byte in
            !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D)
        }
        return firstSignificant == UInt8(ascii: "{")
    }

    package static func parseHCL(_ text: String, filename: String? = nil) throws(HCLError) -> HCLObject {
        var parser = try HCLParser(text, filename: filename)
        return try parser.parseDocument()
    }

    package static func parseJSON(_ text: String, filename: String? = nil) throws(HCLError) -> HCLObject {
        var parser = HCLJSONParser(text, filename: filename)
        return try parser.parseDocument()
    }
}
