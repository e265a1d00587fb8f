import DatabasePluginKit

// Speaks the Custos plugin protocol on stdin/stdout (see docs/plugin-protocol.md).
await serve(PostgreSQLPlugin())
