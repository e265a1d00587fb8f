/// Parses the JSON form of a config or policy (RFC 8259) into the same tree as HCL, keeping
/// the line and column of every key and value (which Foundation's JSON parsers do not give).
///
/// Each object member becomes an item with keys `[name]`; arrays become lists (arrays of
/// objects stay lists of objects); integers that fit in Int64 become `.int`, other numbers
/// `.float`. `null` has no HCL equivalent and is rejected.
struct HCLJSONParser {
    static let maximumNestingDepth = 100

    private var cursor: HCLSourceCursor
    private var depth = 0

    init(_ text: String, filename: String?) {
        cursor = HCLSourceCursor(text, filename: filename)
    }

    mutating func parseDocument() throws(HCLError) -> HCLObject {
        skipWhitespace()
        guard cursor.current == UInt8(ascii: "{") else {
            throw cursor.error("expected a JSON object ('{') at the top level, got \(describeCurrent())")
        }
        let object = try parseObject()
        skipWhitespace()
        guard cursor.isAtEnd else {
            throw cursor.error("unexpected \(describeCurrent()) after the JSON document")
        }
        return object
    }

    private mutating func skipWhitespace() {
        while let byte = cursor.current,
              byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            cursor.advance()
        }
    }

    private func describeCurrent() -> String {
        cursor.isAtEnd ? "end of file" : cursor.currentCharacterDescription
    }

    private mutating func enterNesting() throws(HCLError) {
        depth += 1
        if depth > Self.maximumNestingDepth {
            throw cursor.error("nesting too deep (more than \(Self.maximumNestingDepth) levels)")
        }
    }

    private mutating func parseValue() throws(HCLError) -> HCLValue {
        guard let byte = cursor.current else { throw cursor.error("expected a value, got end of file") }
        switch byte {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .list(try parseArray())
        case UInt8(ascii: "\""): return .string(try cursor.scanQuotedString(.json))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            throw cursor.error("null is not supported here; leave the key out instead", at: position(backBy: 4))
        default:
            throw cursor.error("expected a value, got \(describeCurrent())")
        }
    }

    /// The position `count` ASCII characters before the cursor (on the same line).
    private func position(backBy count: Int) -> HCLPosition {
        var position = cursor.position
        position.column -= count
        return position
    }

    private mutating func expectWord(_ word: String) throws(HCLError) {
        let start = cursor.position
        for byte in word.utf8 {
            guard cursor.current == byte else {
                throw cursor.error("expected a value, got an unknown word", at: start)
            }
            cursor.advance()
        }
        if let next = cursor.current, HCLByte.isIdentifierByte(next) {
            throw cursor.error("expected a value, got an unknown word", at: start)
        }
    }

    private mutating func parseObject() throws(HCLError) -> HCLObject {
        try enterNesting()
        defer { depth -= 1 }
        let open = cursor.position
        cursor.advance()
        var items: [HCLItem] = []
        skipWhitespace()
        if cursor.current == UInt8(ascii: "}") {
            cursor.advance()
            return HCLObject(items: items, position: open)
        }
        while true {
            skipWhitespace()
            let keyPosition = cursor.position
            guard cursor.current == UInt8(ascii: "\"") else {
                throw cursor.error("expected a quoted key, got \(describeCurrent())")
            }
            let key = try cursor.scanQuotedString(.json)
            skipWhitespace()
            guard cursor.current == UInt8(ascii: ":") else {
                throw cursor.error("expected ':' after object key, got \(describeCurrent())")
            }
            cursor.advance()
            skipWhitespace()
            let valuePosition = cursor.position
            let value = try parseValue()
            items.append(HCLItem(keys: [key], value: value, position: keyPosition, valuePosition: valuePosition))
            skipWhitespace()
            switch cursor.current {
            case UInt8(ascii: ","):
                cursor.advance()
            case UInt8(ascii: "}"):
                cursor.advance()
                return HCLObject(items: items, position: open)
            case nil:
                throw cursor.error("expected '}' to close the object opened at line \(open.line), column \(open.column)")
            default:
                throw cursor.error("expected ',' or '}' after object member, got \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray() throws(HCLError) -> [HCLValue] {
        try enterNesting()
        defer { depth -= 1 }
        let open = cursor.position
        cursor.advance()
        var elements: [HCLValue] = []
        skipWhitespace()
        if cursor.current == UInt8(ascii: "]") {
            cursor.advance()
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch cursor.current {
            case UInt8(ascii: ","):
                cursor.advance()
            case UInt8(ascii: "]"):
                cursor.advance()
                return elements
            case nil:
                throw cursor.error("expected ']' to close the array opened at line \(open.line), column \(open.column)")
            default:
                throw cursor.error("expected ',' or ']' in array, got \(describeCurrent())")
            }
        }
    }

    /// RFC 8259 numbers: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(HCLError) -> HCLValue {
        let start = cursor.position
        let startOffset = cursor.offset
        func badNumber() -> HCLError { HCLError("bad number", at: start) }
        func digits(_ cursor: inout HCLSourceCursor) -> Int {
            var count = 0
            while let byte = cursor.current, HCLByte.isDigit(byte) { cursor.advance(); count += 1 }
            return count
        }
        if cursor.current == UInt8(ascii: "-") { cursor.advance() }
        if cursor.current == UInt8(ascii: "0") {
            cursor.advance()
            if let next = cursor.current, HCLByte.isDigit(next) { throw badNumber() }
        } else if digits(&cursor) == 0 {
            throw badNumber()
        }
        var isInteger = true
        if cursor.current == UInt8(ascii: ".") {
            isInteger = false
            cursor.advance()
            if digits(&cursor) == 0 { throw badNumber() }
        }
        if cursor.current == UInt8(ascii: "e") || cursor.current == UInt8(ascii: "E") {
            isInteger = false
            cursor.advance()
            if cursor.current == UInt8(ascii: "+") || cursor.current == UInt8(ascii: "-") { cursor.advance() }
            if digits(&cursor) == 0 { throw badNumber() }
        }
        if let next = cursor.current, HCLByte.isIdentifierByte(next) { throw badNumber() }
        let text = cursor.text(startOffset..<cursor.offset)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            throw HCLError("bad number: out of range", at: start)
        }
        return .float(value)
    }
}
