/// Go literal syntax: what `strconv.Unquote` and `strconv.ParseInt(s, 0, 64)`
/// accept, since text/template hands string and number tokens to those.
enum GoLiterals {
    enum Failure: Error, Equatable {
        case invalidEscape(String)
        case invalidUTF8
        case badNumber
        case notAnInteger
        case outOfRange
    }

    // MARK: Strings

    /// Unquotes the body of a `"…"` literal (without the quotes).
    static func unquoteInterpreted(_ body: ArraySlice<UInt8>) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard index < body.endIndex else { throw .invalidEscape("\\") }
            let escape = body[index]
            index += 1
            switch escape {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "x"):
                out.append(UInt8(try hexValue(body, &index, digits: 2, escape: "x")))
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = escape == UInt8(ascii: "u") ? 4 : 8
                let value = try hexValue(body, &index, digits: digits, escape: escape == UInt8(ascii: "u") ? "u" : "U")
                // Go rejects surrogates and values past U+10FFFF here.
                guard let scalar = Unicode.Scalar(value) else {
                    throw .invalidEscape("\\" + (escape == UInt8(ascii: "u") ? "u" : "U"))
                }
                out.append(contentsOf: Array(String(scalar).utf8))
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                // Exactly three octal digits, value at most 255.
                var value = UInt32(escape - UInt8(ascii: "0"))
                for _ in 0..<2 {
                    guard index < body.endIndex, body[index] >= UInt8(ascii: "0"), body[index] <= UInt8(ascii: "7") else {
                        throw .invalidEscape("\\" + String(UnicodeScalar(escape)))
                    }
                    value = value * 8 + UInt32(body[index] - UInt8(ascii: "0"))
                    index += 1
                }
                guard value <= 255 else { throw .invalidEscape("\\" + String(UnicodeScalar(escape))) }
                out.append(UInt8(value))
            default:
                let shown = CharClass.scalar(in: Array(body), at: index - 1 - body.startIndex)?.scalar ?? "?"
                throw .invalidEscape("\\" + String(shown))
            }
        }
        // Go strings may hold any bytes; Swift strings must be UTF-8, so a
        // `\xff` that does not form valid UTF-8 is rejected rather than mangled.
        guard let string = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
        return string
    }

    /// A raw `` `…` `` literal: verbatim, except that Go drops carriage returns.
    static func unquoteRaw(_ body: ArraySlice<UInt8>) -> String {
        String(decoding: body.filter { $0 != 0x0D }, as: UTF8.self)
    }

    private static func hexValue(
        _ body: ArraySlice<UInt8>, _ index: inout Int, digits: Int, escape: String
    ) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard index < body.endIndex, let digit = digitValue(body[index]), digit < 16 else {
                throw .invalidEscape("\\" + escape)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: Numbers

    /// Parses a number token as Go's parser would for an integer constant:
    /// optional sign, `0x` / `0o` / `0b` / leading-`0` octal prefixes, `_` separators.
    static func parseInteger(_ text: [UInt8]) throws(Failure) -> Int {
        guard !text.isEmpty else { throw .badNumber }
        var body = text[...]
        var negative = false
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        let lower = body.map { $0 | 0x20 }
        // Anything with a fraction, exponent or imaginary part is a float or complex constant.
        let isHex = lower.count >= 2 && lower[0] == UInt8(ascii: "0") && lower[1] == UInt8(ascii: "x")
        if lower.contains(UInt8(ascii: ".")) || lower.last == UInt8(ascii: "i")
            || (!isHex && lower.contains(UInt8(ascii: "e"))) || (isHex && lower.contains(UInt8(ascii: "p"))) {
            throw .notAnInteger
        }
        guard underscoresAreValid(body) else { throw .badNumber }
        let digitsOnly = body.filter { $0 != UInt8(ascii: "_") }
        var radix: UInt64 = 10
        var digits = digitsOnly[...]
        if digitsOnly.count >= 2, digitsOnly[0] == UInt8(ascii: "0") {
            switch digitsOnly[1] | 0x20 {
            case UInt8(ascii: "x"): radix = 16; digits = digitsOnly.dropFirst(2)
            case UInt8(ascii: "o"): radix = 8; digits = digitsOnly.dropFirst(2)
            case UInt8(ascii: "b"): radix = 2; digits = digitsOnly.dropFirst(2)
            default:
                // Leading zero means octal, but Go's float fallback reads "089" as 89.
                let isOctal = digitsOnly.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
                radix = isOctal ? 8 : 10
                digits = isOctal ? digitsOnly.dropFirst(1) : digitsOnly[...]
            }
        }
        guard !digits.isEmpty else { throw .badNumber }
        var magnitude: UInt64 = 0
        for byte in digits {
            guard let digit = digitValue(byte), UInt64(digit) < radix else { throw .badNumber }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { throw .outOfRange }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw .outOfRange }
            return magnitude == UInt64(Int64.max) + 1 ? Int(Int64.min) : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw .outOfRange }
        return Int(magnitude)
    }

    /// Go's `underscoreOK`: `_` only between digits, or right after a base prefix.
    private static func underscoresAreValid(_ body: ArraySlice<UInt8>) -> Bool {
        var saw: UInt8 = UInt8(ascii: "^")
        var index = body.startIndex
        var hex = false
        if body.count >= 2, body[index] == UInt8(ascii: "0") {
            let prefix = body[index + 1] | 0x20
            if prefix == UInt8(ascii: "x") || prefix == UInt8(ascii: "o") || prefix == UInt8(ascii: "b") {
                index += 2
                saw = UInt8(ascii: "0")
                hex = prefix == UInt8(ascii: "x")
            }
        }
        while index < body.endIndex {
            let byte = body[index]
            index += 1
            let lowered = byte | 0x20
            if CharClass.isDigit(byte) || (hex && lowered >= UInt8(ascii: "a") && lowered <= UInt8(ascii: "f")) {
                saw = UInt8(ascii: "0")
                continue
            }
            if byte == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
                continue
            }
            if saw == UInt8(ascii: "_") { return false }
            saw = UInt8(ascii: "!")
        }
        return saw != UInt8(ascii: "_")
    }

    private static func digitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
