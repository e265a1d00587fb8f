@testable import HCL

/// Positions differ between the HCL and JSON spellings of one document; these erase them so
/// the trees can be compared.
let erasedPosition = HCLPosition(line: 0, column: 0)

func withoutPositions(_ object: HCLObject) -> HCLObject {
    HCLObject(
        items: object.items.map { item in
            HCLItem(
                keys: item.keys, value: withoutPositions(item.value),
                position: erasedPosition, valuePosition: erasedPosition)
        },
        position: erasedPosition)
}

func withoutPositions(_ value: HCLValue) -> HCLValue {
    switch value {
    case .object(let object): .object(withoutPositions(object))
    case .list(let elements): .list(elements.map(withoutPositions))
    default: value
    }
}

/// Parses and returns the error, or nil when the text parsed.
func parseError(_ text: String, filename: String? = nil) -> HCLError? {
    do {
        _ = try HCLDocument.parse(text, filename: filename)
        return nil
    } catch {
        return error
    }
}

/// The single item of a one-item document's value.
func onlyValue(_ text: String) throws -> HCLValue {
    let document = try HCLDocument.parse(text)
    guard document.items.count == 1 else { throw HCLError("expected one item", at: erasedPosition) }
    return document.items[0].value
}
