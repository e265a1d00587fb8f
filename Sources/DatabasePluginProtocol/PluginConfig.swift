// Plugin authors write `JSONValue` without importing the module that defines it.
@_exported import CustosJSON

/// A connection's configuration as the admin wrote it (`connection_url`, `username`, ...).
public typealias PluginConfig = [String: JSONValue]
