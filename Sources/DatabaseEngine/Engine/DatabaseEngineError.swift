import CustosCore
import DatabasePluginProtocol
import PluginHost

/// Turns a plugin host failure into the API's error. A plugin's own messages are secret-free by
/// contract (the protocol forbids passwords in them) and name the database's complaint, which is
/// what the admin needs; host failures say which plugin did not answer.
enum DatabaseEngineError {
    static func api(_ error: any Error, doing what: String, badRequest: Bool = false) -> CustosError {
        if let custos = error as? CustosError { return custos }
        let code: CustosError.Code = badRequest ? .badRequest : .internal
        if let host = error as? PluginHostError {
            let message = host.remote.map { $0.message } ?? host.description
            return CustosError(code, "\(what): \(message)")
        }
        return CustosError(code, "\(what): \(type(of: error))")
    }
}
