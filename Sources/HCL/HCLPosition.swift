/// A place in an HCL or JSON source: 1-based line and column (columns count Unicode scalars).
package struct HCLPosition: Sendable, Hashable, CustomStringConvertible {
    package var filename: String?
    package var line: Int
    package var column: Int

    package init(filename: String? = nil, line: Int, column: Int) {
        self.filename = filename
        self.line = line
        self.column = column
    }

    /// "file:line:col", or "line:col" when the source has no file name.
    package var description: String {
        if let filename { return "\(filename):\(line):\(column)" }
        return "\(line):\(column)"
    }
}

/// A syntax or decoding error in a config file or policy.
///
/// Messages name token kinds and keys but never echo string values, so a password in a
/// config file cannot leak into a log line through a parse error.
package struct HCLError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package var position: HCLPosition

    package init(_ message: String, at position: HCLPosition) {
        self.message = message
        self.position = position
    }

    /// "<file>:<line>:<col>: <message>", or "line L, column C: <message>" without a file name.
    package var description: String {
        if let filename = position.filename {
            return "\(filename):\(position.line):\(position.column): \(message)"
        }
        return "line \(position.line), column \(position.column): \(message)"
    }
}
