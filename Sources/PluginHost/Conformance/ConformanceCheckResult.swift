/// One line of `custos plugin check`'s report.
package struct ConformanceCheckResult: Sendable, Equatable, CustomStringConvertible {
    package var name: String
    package var passed: Bool
    package var detail: String

    package init(name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }

    package var description: String {
        "\(passed ? "PASS" : "FAIL") \(name): \(detail)"
    }
}
