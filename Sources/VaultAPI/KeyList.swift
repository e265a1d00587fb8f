/// The `data` of a `LIST` answer: the names under a path. Optional for the CLI, which reads a
/// missing or `null` list as nothing there; Custos always sends the list.
package struct KeyList: Codable, Sendable, Equatable {
    package var keys: [String]?

    package init(keys: [String]) {
        self.keys = keys
    }
}
