/// A value in an HCL (or JSON) document.
package indirect enum HCLValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case list([HCLValue])
    case object(HCLObject)

    /// What kind of value this is, phrased for error messages ("expected a string, got a list").
    package var kindDescription: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .float: "a number"
        case .bool: "a boolean"
        case .list: "a list"
        case .object: "an object"
        }
    }
}

/// One item of a body: `key = value`, or a block `key "label" { ... }` whose body is the value.
package struct HCLItem: Sendable, Equatable {
    /// The key then the labels: `path "secret/*" {}` has keys ["path", "secret/*"].
    package var keys: [String]
    /// For a block, the body as `.object`.
    package var value: HCLValue
    /// Where the first key starts.
    package var position: HCLPosition
    /// Where the value starts (the `{` of a block).
    package var valuePosition: HCLPosition

    package init(keys: [String], value: HCLValue, position: HCLPosition, valuePosition: HCLPosition) {
        self.keys = keys
        self.value = value
        self.position = position
        self.valuePosition = valuePosition
    }

    /// The keys joined for messages: `path "secret/*"`.
    package var displayName: String {
        guard let first = keys.first else { return "" }
        return ([first] + keys.dropFirst().map { "\"\($0)\"" }).joined(separator: " ")
    }
}

/// A body or object value: items in source order, duplicates kept (repeated blocks are normal).
package struct HCLObject: Sendable, Equatable {
    package var items: [HCLItem]
    /// The `{` of an object, or the start of the document for the top level.
    package var position: HCLPosition

    package init(items: [HCLItem], position: HCLPosition) {
        self.items = items
        self.position = position
    }
}
