// Plugin authors import only DatabasePluginKit; the wire types come with it.
@_exported import DatabasePluginProtocol
