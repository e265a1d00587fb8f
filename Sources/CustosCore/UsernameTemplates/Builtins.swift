/// The functions a username template may call: Vault's sdk/helper/template set
/// plus Go's builtin `printf`. Signatures mirror the Go functions so that
/// argument counts and types are checked the way text/template checks them.
enum Builtin: String, CaseIterable, Sendable {
    case truncate
    case truncateSHA256 = "truncate_sha256"
    case uppercase
    case lowercase
    case replace
    case sha256
    case base64
    case random
    case unixTime = "unix_time"
    case unixTimeMillis = "unix_time_millis"
    case timestamp
    case uuid
    case printf

    var name: String { rawValue }

    /// Fixed parameters; `printf` additionally takes any number of values of either type.
    var parameters: [ValueType] {
        switch self {
        case .truncate, .truncateSHA256: [.int, .string]
        case .uppercase, .lowercase, .sha256, .base64: [.string]
        case .replace: [.string, .string, .string]
        case .random: [.int]
        case .unixTime, .unixTimeMillis, .uuid: []
        case .timestamp: [.string]
        case .printf: [.string]
        }
    }

    var isVariadic: Bool { self == .printf }

    /// Go text/template builtins that Vault templates could name but Custos does not
    /// implement; named here only to give a clearer error than "not defined".
    static let unsupportedGoBuiltins: Set<String> = [
        "and", "call", "html", "index", "js", "len", "not", "or", "print", "println", "slice",
        "urlquery", "eq", "ne", "lt", "le", "gt", "ge",
    ]
}

/// What is known about an argument before rendering: its type, and its value
/// when it is a constant. Every int in this language is a constant (no function
/// returns one and fields are strings), so all int checks happen at parse time.
struct StaticValue: Sendable {
    var type: ValueType
    var constant: Value?
}

extension Builtin {
    /// Checks arity, types and constant arguments; mirrors the messages of
    /// text/template ("wrong number of args for …") and of Vault's functions.
    func check(_ args: [StaticValue]) throws(UsernameTemplateError) {
        let fixed = parameters
        if isVariadic {
            guard args.count >= fixed.count else {
                throw UsernameTemplateError(.argumentCount, "wrong number of args for \(name): want at least \(fixed.count) got \(args.count)")
            }
        } else if args.count != fixed.count {
            throw UsernameTemplateError(.argumentCount, "wrong number of args for \(name): want \(fixed.count) got \(args.count)")
        }
        for (index, expected) in fixed.enumerated() where args[index].type != expected {
            throw UsernameTemplateError(
                .argumentType,
                "wrong type for argument \(index + 1) of \(name): expected \(expected.rawValue), got \(args[index].type.rawValue)"
            )
        }
        try checkConstants(args)
    }

    private func checkConstants(_ args: [StaticValue]) throws(UsernameTemplateError) {
        switch self {
        case .truncate:
            if case .int(let length)? = args.first?.constant { try Self.validateTruncate(length) }
        case .truncateSHA256:
            if case .int(let length)? = args.first?.constant { try Self.validateTruncateSHA256(length) }
        case .random:
            if case .int(let length)? = args.first?.constant { try Self.validateRandom(length) }
        case .printf:
            if case .string(let format)? = args.first?.constant {
                try GoPrintf.validate(format: format, arguments: Array(args.dropFirst()))
            }
        default:
            break
        }
    }

    // Shared by the parse-time check and the (defensive) render-time call.

    static func validateTruncate(_ length: Int) throws(UsernameTemplateError) {
        guard length > 0 else {
            throw UsernameTemplateError(.invalidArgument, "truncate: max length must be > 0 but was \(length)")
        }
    }

    static func validateTruncateSHA256(_ length: Int) throws(UsernameTemplateError) {
        guard length > 8 else {
            throw UsernameTemplateError(.invalidArgument, "truncate_sha256: max length must be > 8 but was \(length)")
        }
    }

    static func validateRandom(_ length: Int) throws(UsernameTemplateError) {
        guard length >= 0 else {
            throw UsernameTemplateError(.invalidArgument, "random: length must not be negative but was \(length)")
        }
        guard length <= Limits.maxRandomLength else {
            throw UsernameTemplateError(.limitExceeded, "random: length must be at most \(Limits.maxRandomLength) but was \(length)")
        }
    }
}

/// Bounds that keep hostile templates from exhausting memory or stack.
enum Limits {
    /// Templates are admin-written one-liners; 64 KiB is far beyond any real one.
    static let maxTemplateBytes = 64 * 1024
    /// Nesting of parentheses; recursion in parser, checker and evaluator follows it.
    static let maxNestingDepth = 100
    /// `random N`: Vault has no cap, but no database accepts such long names.
    static let maxRandomLength = 1024
    /// Any intermediate or final value; stops `base64 (base64 (…))` and `%999999s` blow-ups.
    static let maxValueBytes = 64 * 1024
}
