import CustosJSON
import Foundation

/// `k=v` arguments of `write`: `k=@file` takes a file's contents, `k=-` reads stdin, and a lone
/// `-` reads a JSON object from stdin. Values stay strings, as Vault's CLI sends them; a key
/// given twice becomes a list.
enum KeyValueArguments {
    static func parse(
        _ arguments: [String],
        readFile: (String) throws -> String = readFileContents,
        readStdin: () -> String = StandardInput.readAll
    ) throws -> [String: JSONValue] {
        if arguments == ["-"] {
            return try parseJSONObject(readStdin())
        }
        var result: [String: JSONValue] = [:]
        var stdinUsed = false
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw CommandFailure.usage(
                    "Failed to parse K=V data: invalid key/value pair \"\(argument)\": format must be key=value")
            }
            let key = String(argument[..<equals])
            var value = String(argument[argument.index(after: equals)...])
            if value == "-" {
                guard !stdinUsed else {
                    throw CommandFailure.usage("Failed to parse K=V data: stdin (-) may be used only once")
                }
                stdinUsed = true
                value = readStdin()
            } else if value.hasPrefix("@") {
                let file = String(value.dropFirst())
                do {
                    value = try readFile(file)
                } catch {
                    throw CommandFailure.local(
                        "Failed to parse K=V data: invalid key/value pair \"\(argument)\": error reading file \(file)")
                }
            }
            switch result[key] {
            case nil: result[key] = .string(value)
            case .array(let existing)?: result[key] = .array(existing + [.string(value)])
            case let existing?: result[key] = .array([existing, .string(value)])
            }
        }
        return result
    }

    static func readFileContents(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return String(decoding: data, as: UTF8.self)
    }

    private static func parseJSONObject(_ text: String) throws -> [String: JSONValue] {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)) else {
            throw CommandFailure.usage("Failed to parse K=V data: stdin must hold a JSON object")
        }
        return object
    }
}
