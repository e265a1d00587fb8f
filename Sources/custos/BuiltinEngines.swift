import CustosCore

/// The secrets engine types this build of Custos can mount.
enum BuiltinEngines {
    static let all: [SecretsEngineType] = [KVEngine.type]
}
