#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Renders a checked syntax tree. Recursion follows parenthesis nesting only
/// (bounded by the parser); pipelines are walked iteratively.
struct Evaluator {
    let data: [String: String]
    let now: Date
    let zone: UsernameTemplate.Zone
    var random: any RandomNumberGenerator
    let locator: SourceLocator
    /// Read once, on first use, so a template without time functions never
    /// depends on the clock and all time functions in one render agree.
    private var clockReading: ClockReading?

    init(data: [String: String], now: Date, zone: UsernameTemplate.Zone, random: any RandomNumberGenerator, locator: SourceLocator) {
        self.data = data
        self.now = now
        self.zone = zone
        self.random = random
        self.locator = locator
    }

    private mutating func clock() throws(UsernameTemplateError) -> ClockReading {
        if let clockReading { return clockReading }
        let reading = try ClockReading(now)
        clockReading = reading
        return reading
    }

    mutating func render(_ segments: [Segment]) throws(UsernameTemplateError) -> String {
        var output = ""
        var size = 0
        for segment in segments {
            let piece: String
            switch segment {
            case .text(let text):
                piece = text
            case .action(let pipeline):
                piece = try evaluate(pipeline).printed
            }
            size += piece.utf8.count
            guard size <= Limits.maxValueBytes else {
                throw UsernameTemplateError(.limitExceeded, "rendered username is longer than \(Limits.maxValueBytes) bytes")
            }
            output += piece
        }
        return output
    }

    private mutating func evaluate(_ pipeline: Pipeline) throws(UsernameTemplateError) -> Value {
        var current: Value?
        for stage in pipeline.stages {
            switch stage {
            case .value(let operand):
                current = try evaluate(operand)
            case .call(let function, let args, let offset):
                var values: [Value] = []
                values.reserveCapacity(args.count + 1)
                for arg in args {
                    values.append(try evaluate(arg))
                }
                if let current { values.append(current) }
                current = try call(function, values, at: offset)
            }
        }
        guard let current else {
            throw locator.error(.syntax, "missing value for command", at: pipeline.offset)
        }
        return current
    }

    private mutating func evaluate(_ operand: Operand) throws(UsernameTemplateError) -> Value {
        switch operand {
        case .string(let value, _):
            return .string(value)
        case .int(let value, _):
            return .int(value)
        case .field(let name, let offset):
            guard let value = data[name] else {
                throw locator.error(.unknownField, "can't evaluate field \(name)", at: offset)
            }
            return .string(value)
        case .niladicCall(let function, let offset):
            return try call(function, [], at: offset)
        case .pipeline(let pipeline):
            return try evaluate(pipeline)
        }
    }

    private mutating func call(_ function: Builtin, _ args: [Value], at offset: Int) throws(UsernameTemplateError) -> Value {
        do {
            let result = try apply(function, args)
            try StringFunctions.checkSize(result.utf8.count, function.name)
            return .string(result)
        } catch {
            throw locator.positioned(error, at: offset)
        }
    }

    /// Dispatch on already type-checked arguments; the argument checks are
    /// unreachable for a tree that passed `TypeChecker`, but answer with an error, not a trap.
    private mutating func apply(_ function: Builtin, _ args: [Value]) throws(UsernameTemplateError) -> String {
        let mismatch = UsernameTemplateError(.argumentType, "wrong arguments for \(function.name): \(args.map(\.type.rawValue))")
        guard function.isVariadic ? args.count >= function.parameters.count : args.count == function.parameters.count else {
            throw mismatch
        }
        func string(_ index: Int) throws(UsernameTemplateError) -> String {
            guard index < args.count, case .string(let value) = args[index] else { throw mismatch }
            return value
        }
        func int(_ index: Int) throws(UsernameTemplateError) -> Int {
            guard index < args.count, case .int(let value) = args[index] else { throw mismatch }
            return value
        }
        switch function {
        case .truncate: return try StringFunctions.truncate(int(0), string(1))
        case .truncateSHA256: return try StringFunctions.truncateSHA256(int(0), string(1))
        case .uppercase: return StringFunctions.uppercase(try string(0))
        case .lowercase: return StringFunctions.lowercase(try string(0))
        case .replace: return try StringFunctions.replace(string(0), string(1), string(2))
        case .sha256: return StringFunctions.sha256(try string(0))
        case .base64: return try StringFunctions.base64(string(0))
        case .random: return try GeneratorFunctions.random(int(0), using: &random)
        case .uuid: return GeneratorFunctions.uuid(using: &random)
        case .unixTime: return try GeneratorFunctions.unixTime(clock())
        case .unixTimeMillis: return try GeneratorFunctions.unixTimeMillis(clock())
        case .timestamp: return try GoTimeLayout.format(string(0), clock: clock(), zone: zone)
        case .printf: return try GoPrintf.sprintf(string(0), Array(args.dropFirst()))
        }
    }
}
