/// A block found by `HCLObject.blocks(named:labels:)`, however the document spelled it.
package struct HCLBlock: Sendable, Equatable {
    package var labels: [String]
    package var body: HCLObject
    /// Where the item that gave the last label (or the block's key, without labels) starts.
    package var position: HCLPosition

    package init(labels: [String], body: HCLObject, position: HCLPosition) {
        self.labels = labels
        self.body = body
        self.position = position
    }
}

/// Lookups used by config and policy decoding; they make the HCL and JSON forms look alike.
extension HCLObject {
    /// Blocks named `name` with exactly `labels` labels, from any of these spellings:
    /// `path "a" { }` (keys ["path", "a"]), `path = { "a" = { } }`, `path { a { } }`,
    /// JSON `"path": {"a": { }}`, JSON `"path": [{"a": { }}, ...]`, and repeated blocks.
    /// Labels beyond those in the item's keys are taken from nested objects, one key per level.
    /// A block in the wrong shape throws at the offending item.
    package func blocks(named name: String, labels: Int) throws(HCLError) -> [HCLBlock] {
        var found: [HCLBlock] = []
        for item in items where item.keys.first == name {
            let given = Array(item.keys.dropFirst())
            guard given.count <= labels else {
                throw HCLError(
                    "\"\(name)\" block takes \(Self.labelCount(labels)), got \(given.count)", at: item.position)
            }
            try Self.collectBlocks(
                named: name, from: item.value, labels: given, missing: labels - given.count,
                position: item.position, valuePosition: item.valuePosition, into: &found)
        }
        return found
    }

    private static func labelCount(_ count: Int) -> String {
        count == 1 ? "1 label" : "\(count) labels"
    }

    private static func collectBlocks(
        named name: String, from value: HCLValue, labels: [String], missing: Int,
        position: HCLPosition, valuePosition: HCLPosition, into found: inout [HCLBlock]
    ) throws(HCLError) {
        switch value {
        case .object(let body):
            if missing == 0 {
                found.append(HCLBlock(labels: labels, body: body, position: position))
                return
            }
            for inner in body.items {
                guard inner.keys.count <= missing else {
                    throw HCLError(
                        "too many labels for \"\(name)\" block (it takes \(labelCount(labels.count + missing)))",
                        at: inner.position)
                }
                try collectBlocks(
                    named: name, from: inner.value, labels: labels + inner.keys,
                    missing: missing - inner.keys.count,
                    position: inner.position, valuePosition: inner.valuePosition, into: &found)
            }
        case .list(let elements):
            for element in elements {
                guard case .object = element else {
                    throw HCLError(
                        "expected \"\(name)\" blocks in this list, got \(element.kindDescription)", at: valuePosition)
                }
                try collectBlocks(
                    named: name, from: element, labels: labels, missing: missing,
                    position: position, valuePosition: valuePosition, into: &found)
            }
        default:
            let block = ([name] + labels.map { "\"\($0)\"" }).joined(separator: " ")
            let expected = missing == 0 ? "a block body" : "an object keyed by the block's next label"
            throw HCLError("expected \(expected) for \(block), got \(value.kindDescription)", at: valuePosition)
        }
    }

    /// The attribute `name = ...` (an item whose keys are exactly `[name]`), nil if absent.
    /// If the key is repeated the LAST one wins, as HCL 1 decoding does; code that must refuse
    /// repeats (config files) uses `uniqueAttribute(_:)`.
    package func attribute(_ name: String) -> HCLItem? {
        items.last { $0.keys.count == 1 && $0.keys[0] == name }
    }

    /// Like `attribute(_:)`, but a repeated key throws "duplicate key" at the second occurrence.
    package func uniqueAttribute(_ name: String) throws(HCLError) -> HCLItem? {
        var found: HCLItem?
        for item in items where item.keys.count == 1 && item.keys[0] == name {
            if found != nil { throw HCLError("duplicate key \"\(name)\"", at: item.position) }
            found = item
        }
        return found
    }

    /// Throws "unknown key" at the first item whose first key is not in `allowed`, so a typo
    /// in a config file is reported with file, line and column instead of being ignored.
    package func checkKeys(allowed: Set<String>) throws(HCLError) {
        if let unknown = items.first(where: { !allowed.contains($0.keys.first ?? "") }) {
            throw HCLError("unknown key \"\(unknown.keys.first ?? "")\"", at: unknown.position)
        }
    }
}
