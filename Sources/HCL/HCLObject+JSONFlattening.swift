/// HCL 1 reads a JSON document by folding nested objects into items with several keys, so that
/// `{"path": {"a": {...}}}` reads like `path "a" {...}`. Vault's policy parser sees only the
/// folded form, and which JSON shapes it accepts follows from it; policies therefore fold the
/// same way (config files keep `blocks(named:labels:)`, which is more lenient).
///
/// The rules, applied to every object of the document:
/// * an item whose value is a non-empty object whose members are all objects becomes one item
///   per member, the member's key appended to the item's keys;
/// * an item whose value is a non-empty list whose elements are all objects becomes one item per
///   element, with the same keys;
/// * both repeat on the items they produce; anything else is kept, with its insides folded.
extension HCLObject {
    package func flattenedLikeHCL1JSON() -> HCLObject {
        var folded: [HCLItem] = []
        folded.reserveCapacity(items.count)
        for item in items { Self.fold(item, into: &folded) }
        return HCLObject(items: folded, position: position)
    }

    /// Recursion is bounded by the JSON parser's nesting limit.
    private static func fold(_ item: HCLItem, into folded: inout [HCLItem]) {
        switch item.value {
        case .object(let object) where !object.items.isEmpty && object.items.allSatisfy(\.value.isObject):
            for member in object.items {
                fold(
                    HCLItem(
                        keys: item.keys + member.keys, value: member.value, position: member.position,
                        valuePosition: member.valuePosition),
                    into: &folded)
            }
        case .list(let elements) where !elements.isEmpty && elements.allSatisfy(\.isObject):
            for element in elements {
                let elementPosition = element.objectPosition ?? item.valuePosition
                fold(
                    HCLItem(keys: item.keys, value: element, position: item.position, valuePosition: elementPosition),
                    into: &folded)
            }
        default:
            var kept = item
            kept.value = item.value.flattenedLikeHCL1JSON()
            folded.append(kept)
        }
    }
}

extension HCLValue {
    fileprivate var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    fileprivate var objectPosition: HCLPosition? {
        if case .object(let object) = self { return object.position }
        return nil
    }

    /// Objects nested in a kept value are folded too (HCL 1 walks the whole tree).
    fileprivate func flattenedLikeHCL1JSON() -> HCLValue {
        switch self {
        case .object(let object): .object(object.flattenedLikeHCL1JSON())
        case .list(let elements): .list(elements.map { $0.flattenedLikeHCL1JSON() })
        default: self
        }
    }
}
