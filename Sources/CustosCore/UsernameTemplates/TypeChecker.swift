/// Checks every call in a parsed template before it is ever rendered: argument
/// counts, argument types and constant arguments. Go's text/template finds most
/// of these only when executing; doing it here lets the server reject a bad
/// `username_template` with 400 when it is written, not when credentials are issued.
struct TypeChecker {
    private let locator: SourceLocator
    /// Data fields the template reads, so callers can check them against what they supply.
    private(set) var fields: Set<String> = []

    init(locator: SourceLocator) {
        self.locator = locator
    }

    static func check(_ segments: [Segment], locator: SourceLocator) throws(UsernameTemplateError) -> Set<String> {
        var checker = TypeChecker(locator: locator)
        for case .action(let pipeline) in segments {
            _ = try checker.check(pipeline)
        }
        return checker.fields
    }

    /// Recursion follows parenthesis nesting, which the parser bounds.
    private mutating func check(_ pipeline: Pipeline) throws(UsernameTemplateError) -> StaticValue {
        var current: StaticValue?
        for stage in pipeline.stages {
            switch stage {
            case .value(let operand):
                current = try check(operand)
            case .call(let function, let args, let offset):
                var values: [StaticValue] = []
                values.reserveCapacity(args.count + 1)
                for arg in args {
                    values.append(try check(arg))
                }
                if let current { values.append(current) }
                try checkCall(function, values, at: offset)
                current = StaticValue(type: .string, constant: nil)
            }
        }
        guard let current else {
            throw locator.error(.syntax, "missing value for command", at: pipeline.offset)
        }
        return current
    }

    private mutating func check(_ operand: Operand) throws(UsernameTemplateError) -> StaticValue {
        switch operand {
        case .string(let value, _):
            return StaticValue(type: .string, constant: .string(value))
        case .int(let value, _):
            return StaticValue(type: .int, constant: .int(value))
        case .field(let name, _):
            fields.insert(name)
            return StaticValue(type: .string, constant: nil)
        case .niladicCall(let function, let offset):
            try checkCall(function, [], at: offset)
            return StaticValue(type: .string, constant: nil)
        case .pipeline(let pipeline):
            return try check(pipeline)
        }
    }

    private func checkCall(_ function: Builtin, _ values: [StaticValue], at offset: Int) throws(UsernameTemplateError) {
        do {
            try function.check(values)
        } catch {
            throw locator.positioned(error, at: offset)
        }
    }
}

extension SourceLocator {
    /// Adds a position to an error raised by code that does not know where it is.
    func positioned(_ error: UsernameTemplateError, at offset: Int) -> UsernameTemplateError {
        guard error.line == nil else { return error }
        var error = error
        let (line, column) = location(of: offset)
        error.line = line
        error.column = column
        return error
    }
}
