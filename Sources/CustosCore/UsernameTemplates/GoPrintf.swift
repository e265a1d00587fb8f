/// Go's `fmt.Sprintf`, reduced to the values a username template has (strings
/// and ints) and the verbs people use in them: `%s`, `%d`, `%v`, `%T`, `%%`,
/// with flags `-+ 0#`, width, precision, `*` and `[n]` argument indexes. The
/// scanning loop is `doPrintf` from Go's fmt/print.go, so mistakes render the
/// way Go renders them (`%!s(int=5)`, `%!d(MISSING)`, `%!(EXTRA string=x)`).
/// Verbs Go has but Custos does not (`%x`, `%q`, `%f`, …) are errors instead.
enum GoPrintf {
    static func sprintf(_ format: String, _ args: [Value]) throws(UsernameTemplateError) -> String {
        var printer = Printer(args: args)
        try printer.run(Array(format.utf8))
        return String(decoding: printer.out, as: UTF8.self)
    }

    /// Parse-time check of a constant format: formats it with the constant
    /// arguments, and stand-ins of the right type for the others, which raises
    /// the same errors rendering would.
    static func validate(format: String, arguments: [StaticValue]) throws(UsernameTemplateError) {
        let values = arguments.map { $0.constant ?? ($0.type == .int ? .int(0) : .string("")) }
        _ = try sprintf(format, values)
    }

    /// Go's `tooLarge`: widths and precisions past a million are `BADWIDTH`/`BADPREC`.
    static let maxGoWidth = 1_000_000

    /// Verbs fmt implements for strings or ints that are not implemented here.
    private static let unimplementedVerbs: Set<Unicode.Scalar> = [
        "b", "c", "o", "O", "q", "x", "X", "U", "e", "E", "f", "F", "g", "G", "t", "p", "w",
    ]

    fileprivate struct Flags {
        var plus = false, minus = false, sharp = false, space = false, zero = false
        var plusV = false, sharpV = false
        var width = 0, widthPresent = false
        var precision = 0, precisionPresent = false
    }

    fileprivate struct Printer {
        let args: [Value]
        var out: [UInt8] = []
        var flags = Flags()
        var argNum = 0
        var reordered = false
        var goodArgNum = true

        init(args: [Value]) { self.args = args }

        mutating func run(_ format: [UInt8]) throws(UsernameTemplateError) {
            let end = format.count
            var i = 0
            var afterIndex = false
            formatLoop: while i < end {
                goodArgNum = true
                let literalStart = i
                while i < end, format[i] != UInt8(ascii: "%") { i += 1 }
                if i > literalStart { out.append(contentsOf: format[literalStart..<i]) }
                if i >= end { break }
                i += 1  // the '%'
                flags = Flags()
                flagLoop: while i < end {
                    switch format[i] {
                    case UInt8(ascii: "#"): flags.sharp = true
                    case UInt8(ascii: "0"): flags.zero = true
                    case UInt8(ascii: "+"): flags.plus = true
                    case UInt8(ascii: "-"): flags.minus = true
                    case UInt8(ascii: " "): flags.space = true
                    default:
                        // Go's fast path: flags then a lower-case ASCII verb.
                        let c = format[i]
                        if c >= UInt8(ascii: "a"), c <= UInt8(ascii: "z"), argNum < args.count {
                            if c == UInt8(ascii: "v") { moveVFlags() }
                            try printArg(args[argNum], verb: Unicode.Scalar(c))
                            argNum += 1
                            i += 1
                            continue formatLoop
                        }
                        break flagLoop
                    }
                    i += 1
                }
                (i, afterIndex) = argNumber(format, i)
                if i < end, format[i] == UInt8(ascii: "*") {
                    i += 1
                    (flags.width, flags.widthPresent) = intFromArg()
                    if !flags.widthPresent { append("%!(BADWIDTH)") }
                    if flags.width < 0 {
                        flags.width = -flags.width
                        flags.minus = true
                        flags.zero = false
                    }
                    afterIndex = false
                } else {
                    (flags.width, flags.widthPresent, i) = parseNumber(format, i, end)
                    if afterIndex, flags.widthPresent { goodArgNum = false }
                }
                if i + 1 < end, format[i] == UInt8(ascii: ".") {
                    i += 1
                    if afterIndex { goodArgNum = false }
                    (i, afterIndex) = argNumber(format, i)
                    if i < end, format[i] == UInt8(ascii: "*") {
                        i += 1
                        (flags.precision, flags.precisionPresent) = intFromArg()
                        if flags.precision < 0 {
                            flags.precision = 0
                            flags.precisionPresent = false
                        }
                        if !flags.precisionPresent { append("%!(BADPREC)") }
                        afterIndex = false
                    } else {
                        (flags.precision, flags.precisionPresent, i) = parseNumber(format, i, end)
                        if !flags.precisionPresent {
                            flags.precision = 0
                            flags.precisionPresent = true
                        }
                    }
                }
                if !afterIndex { (i, afterIndex) = argNumber(format, i) }
                guard i < end else {
                    append("%!(NOVERB)")
                    break
                }
                let (verb, size) = CharClass.scalar(in: format, at: i) ?? ("\u{FFFD}", 1)
                i += size
                switch verb {
                case "%":
                    out.append(UInt8(ascii: "%"))
                case _ where !goodArgNum:
                    append("%!\(verb)(BADINDEX)")
                case _ where argNum >= args.count:
                    append("%!\(verb)(MISSING)")
                default:
                    if verb == "v" { moveVFlags() }
                    try printArg(args[argNum], verb: verb)
                    argNum += 1
                }
            }
            if !reordered, argNum < args.count {
                flags = Flags()
                append("%!(EXTRA ")
                for (index, arg) in args[argNum...].enumerated() {
                    if index > 0 { append(", ") }
                    append(arg.type.rawValue + "=")
                    try printArg(arg, verb: "v")
                }
                append(")")
            }
        }

        /// `%+v` and `%#v` are distinct formats in Go, not `%v` with flags.
        private mutating func moveVFlags() {
            flags.sharpV = flags.sharp
            flags.sharp = false
            flags.plusV = flags.plus
            flags.plus = false
        }

        private mutating func printArg(_ arg: Value, verb: Unicode.Scalar) throws(UsernameTemplateError) {
            if flags.widthPresent, flags.width > Limits.maxValueBytes {
                throw UsernameTemplateError(.limitExceeded, "printf: width \(flags.width) is larger than the \(Limits.maxValueBytes)-byte value limit")
            }
            if verb == "T" {
                formatString(arg.type.rawValue)
                return
            }
            if Self.unimplemented(verb) || (verb == "v" && flags.sharpV && arg.type == .string) {
                let shown = verb == "v" ? "%#v" : "%\(verb)"
                throw UsernameTemplateError(.unsupported, "printf verb \(shown) is not supported in username templates; use %s, %d or %v")
            }
            switch (arg, verb) {
            case (.string(let string), "s"), (.string(let string), "v"):
                formatString(string)
            case (.int(let int), "d"), (.int(let int), "v"):
                try formatInteger(int)
            default:
                // Go's badVerb: the verb, the type and the value printed with %v.
                append("%!\(verb)(\(arg.type.rawValue)=")
                switch arg {
                case .string(let string): formatString(string)
                case .int(let int): try formatInteger(int)
                }
                append(")")
            }
        }

        private static func unimplemented(_ verb: Unicode.Scalar) -> Bool {
            GoPrintf.unimplementedVerbs.contains(verb)
        }

        /// Go's `fmtS`: precision cuts to that many characters, then pad.
        private mutating func formatString(_ string: String) {
            var scalars = Array(string.unicodeScalars)
            if flags.precisionPresent, scalars.count > flags.precision {
                scalars.removeLast(scalars.count - flags.precision)
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            pad(Array(String(text).utf8), characters: scalars.count)
        }

        /// Go's `fmtInteger` for base 10, signed.
        private mutating func formatInteger(_ value: Int) throws(UsernameTemplateError) {
            let negative = value < 0
            let magnitude = value.magnitude
            var precision = 0
            if flags.precisionPresent {
                precision = flags.precision
                if precision == 0, magnitude == 0 {
                    // Precision 0 and value 0 print nothing but the padding.
                    let zero = flags.zero
                    flags.zero = false
                    pad([], characters: 0)
                    flags.zero = zero
                    return
                }
            } else if flags.zero, !flags.minus, flags.widthPresent {
                precision = flags.width
                if negative || flags.plus || flags.space { precision -= 1 }
            }
            if precision > Limits.maxValueBytes {
                throw UsernameTemplateError(.limitExceeded, "printf: precision \(precision) is larger than the \(Limits.maxValueBytes)-byte value limit")
            }
            var digits = Array(String(magnitude).utf8)
            if digits.count < precision {
                digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: precision - digits.count), at: 0)
            }
            if negative { digits.insert(UInt8(ascii: "-"), at: 0) }
            else if flags.plus { digits.insert(UInt8(ascii: "+"), at: 0) }
            else if flags.space { digits.insert(UInt8(ascii: " "), at: 0) }
            // Zero padding was done above as precision; the rest pads with blanks.
            let zero = flags.zero
            flags.zero = false
            pad(digits, characters: digits.count)
            flags.zero = zero
        }

        /// Go pads to `width` characters; zeros only on the left.
        private mutating func pad(_ bytes: [UInt8], characters: Int) {
            let padding = flags.widthPresent ? max(0, flags.width - characters) : 0
            let fill = flags.zero && !flags.minus ? UInt8(ascii: "0") : UInt8(ascii: " ")
            if !flags.minus { out.append(contentsOf: repeatElement(fill, count: padding)) }
            out.append(contentsOf: bytes)
            if flags.minus { out.append(contentsOf: repeatElement(fill, count: padding)) }
        }

        private mutating func append(_ text: String) {
            out.append(contentsOf: Array(text.utf8))
        }

        /// Go's `intFromArg`: `*` takes an int argument (anything else is bad).
        private mutating func intFromArg() -> (Int, Bool) {
            guard argNum < args.count else { return (0, false) }
            defer { argNum += 1 }
            guard case .int(let value) = args[argNum], value.magnitude <= UInt(GoPrintf.maxGoWidth) else { return (0, false) }
            return (value, true)
        }

        /// Go's `argNumber`: an explicit `[n]` (1-based) picks the next argument.
        private mutating func argNumber(_ format: [UInt8], _ i: Int) -> (Int, Bool) {
            guard i < format.count, format[i] == UInt8(ascii: "[") else { return (i, false) }
            reordered = true
            var close = i + 1
            while close < format.count, format[close] != UInt8(ascii: "]") { close += 1 }
            guard close < format.count, format.count - i >= 3 else {
                goodArgNum = false
                return (i + 1, false)
            }
            let (number, ok, stop) = parseNumber(format, i + 1, close)
            guard ok, stop == close else {
                goodArgNum = false
                return (close + 1, false)
            }
            let index = number - 1
            guard index >= 0, index < args.count else {
                goodArgNum = false
                return (close + 1, true)
            }
            argNum = index
            return (close + 1, true)
        }

        /// Go's `parsenum`: digits at `start` (before `end`), refusing absurd sizes.
        private func parseNumber(_ format: [UInt8], _ start: Int, _ end: Int) -> (Int, Bool, Int) {
            var number = 0
            var found = false
            var i = start
            while i < end, i < format.count, CharClass.isDigit(format[i]) {
                if number > GoPrintf.maxGoWidth { return (0, false, end) }
                number = number * 10 + Int(format[i] - UInt8(ascii: "0"))
                found = true
                i += 1
            }
            return (number, found, i)
        }
    }
}
