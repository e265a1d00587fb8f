/// Typed access to an item's value. Each throws at `valuePosition`, saying what was expected.
///
/// Like Vault, `int()` and `bool()` accept numbers and booleans written as strings
/// (`port = "8200"`, `tls_disable = "true"`) and `bool()` accepts integers (`tls_disable = 1`).
extension HCLItem {
    package func string() throws(HCLError) -> String {
        guard case .string(let text) = value else { throw mismatch("a string") }
        return text
    }

    /// An integer, a string holding a decimal integer, or an integral number like `10.0`.
    package func int() throws(HCLError) -> Int64 {
        switch value {
        case .int(let number):
            return number
        case .string(let text):
            guard let number = Int64(text) else {
                throw HCLError("expected an integer for \(displayName), got a string that is not one", at: valuePosition)
            }
            return number
        case .float(let number):
            // Range check before converting: Int64(_:) traps outside it.
            guard number.rounded() == number, number >= -9.2e18, number <= 9.2e18 else {
                throw HCLError("expected an integer for \(displayName), got a fractional number", at: valuePosition)
            }
            return Int64(number)
        default:
            throw mismatch("an integer")
        }
    }

    /// A boolean; an integer (non-zero is true); or a string spelled as Go's strconv.ParseBool
    /// accepts, which is what Vault does.
    package func bool() throws(HCLError) -> Bool {
        switch value {
        case .bool(let flag):
            return flag
        case .int(let number):
            return number != 0
        case .string(let text):
            switch text {
            case "1", "t", "T", "true", "TRUE", "True": return true
            case "0", "f", "F", "false", "FALSE", "False": return false
            default:
                throw HCLError("expected a boolean for \(displayName), got a string that is not one", at: valuePosition)
            }
        default:
            throw mismatch("a boolean")
        }
    }

    /// A list of strings, or a single string as a one-element list.
    package func stringList() throws(HCLError) -> [String] {
        switch value {
        case .string(let text):
            return [text]
        case .list(let elements):
            var strings: [String] = []
            strings.reserveCapacity(elements.count)
            for element in elements {
                guard case .string(let text) = element else {
                    throw HCLError(
                        "expected a list of strings for \(displayName), got a list containing \(element.kindDescription)",
                        at: valuePosition)
                }
                strings.append(text)
            }
            return strings
        default:
            throw mismatch("a list of strings")
        }
    }

    package func object() throws(HCLError) -> HCLObject {
        guard case .object(let object) = value else { throw mismatch("an object") }
        return object
    }

    private func mismatch(_ expected: String) -> HCLError {
        HCLError("expected \(expected) for \(displayName), got \(value.kindDescription)", at: valuePosition)
    }
}
