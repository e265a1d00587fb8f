/// Walks the UTF-8 bytes of a source, keeping line and column up to date as it goes so that
/// making a position is O(1) and parsing stays linear even for a file on a single line.
struct HCLSourceCursor {
    let bytes: [UInt8]
    let filename: String?
    private(set) var offset: Int
    private(set) var line = 1
    private(set) var column = 1

    init(_ text: String, filename: String?) {
        bytes = Array(text.utf8)
        self.filename = filename
        // A UTF-8 byte-order mark is an encoding artefact, not content.
        offset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    var isAtEnd: Bool { offset >= bytes.count }

    /// The byte at the cursor, nil at the end.
    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    /// The byte `distance` bytes ahead of the cursor, nil past the end.
    func peek(_ distance: Int) -> UInt8? {
        let index = offset + distance
        return index < bytes.count ? bytes[index] : nil
    }

    var position: HCLPosition { HCLPosition(filename: filename, line: line, column: column) }

    mutating func advance() {
        guard offset < bytes.count else { return }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // Continuation bytes belong to the scalar already counted.
            column += 1
        }
    }

    mutating func advance(by count: Int) {
        for _ in 0..<count { advance() }
    }

    func error(_ message: String, at position: HCLPosition? = nil) -> HCLError {
        HCLError(message, at: position ?? self.position)
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The character at the cursor, quoted for an error message; control characters as U+XXXX.
    var currentCharacterDescription: String {
        guard let lead = current else { return "end of file" }
        let length: Int
        switch lead {
        case 0xF0...: length = 4
        case 0xE0...: length = 3
        case 0xC0...: length = 2
        default: length = 1
        }
        let end = min(offset + length, bytes.count)
        let scalar = text(offset..<end).unicodeScalars.first ?? "\u{FFFD}"
        // Invisible characters (controls, no-break spaces, zero-width marks) are shown by code.
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
            || scalar.properties.generalCategory == .format {
            return "character U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        }
        return "character '\(Character(scalar))'"
    }
}

/// Byte classes shared by the HCL lexer and the JSON parser.
enum HCLByte {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
    }

    /// Bare identifiers: letters, digits, `_`, `-`, `.` (HCL 1's set).
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// Space, tab, carriage return, vertical tab, form feed (newline is handled by callers).
    static func isInlineSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
