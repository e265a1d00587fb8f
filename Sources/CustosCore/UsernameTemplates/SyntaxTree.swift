/// The parsed form of a template. Pipelines are kept as lists of stages (not
/// desugared into nested calls) so evaluation depth grows only with parentheses,
/// which the parser bounds.
enum Segment: Sendable {
    case text(String)
    case action(Pipeline)
}

/// `stage | stage | …`: each stage after the first receives the previous
/// stage's value as its final argument, as in Go.
struct Pipeline: Sendable {
    var stages: [Stage]
    var offset: Int
}

enum Stage: Sendable {
    /// A non-function operand; only valid as the first stage and without arguments.
    case value(Operand)
    /// A function call; `args` excludes the value piped in from the previous stage.
    case call(Builtin, args: [Operand], offset: Int)
}

indirect enum Operand: Sendable {
    case string(String, offset: Int)
    case int(Int, offset: Int)
    case field(String, offset: Int)
    /// A function named in argument position: Go calls it with no arguments.
    case niladicCall(Builtin, offset: Int)
    /// A parenthesised pipeline.
    case pipeline(Pipeline)

    var offset: Int {
        switch self {
        case .string(_, let offset), .int(_, let offset), .field(_, let offset), .niladicCall(_, let offset):
            offset
        case .pipeline(let pipeline):
            pipeline.offset
        }
    }
}

/// The two kinds of value the language can produce: Vault's functions and the
/// data fields yield strings, integer constants yield ints.
enum Value: Sendable, Equatable {
    case string(String)
    case int(Int)

    var type: ValueType {
        switch self {
        case .string: .string
        case .int: .int
        }
    }

    /// How Go's `fmt.Fprint` writes the value into the output.
    var printed: String {
        switch self {
        case .string(let string): string
        case .int(let int): String(int)
        }
    }
}

enum ValueType: String, Sendable, Equatable {
    case string
    case int
}
