import Foundation

/// One request line in, one response line out.
extension PluginServer {
    func response(to line: [UInt8]) async -> [UInt8] {
        let request: IncomingRequest
        do {
            request = try JSONDecoder().decode(IncomingRequest.self, from: Data(line))
        } catch DecodingError.typeMismatch {
            return ResponseLine.error(
                id: nil, code: RPCErrorCode.invalidRequest, PluginError(.invalidRequest, "a request must be a JSON object"))
        } catch {
            return ResponseLine.error(
                id: nil, code: RPCErrorCode.parseError, PluginError(.invalidRequest, "parse error: not valid JSON"))
        }
        guard let id = request.id else {
            return ResponseLine.error(
                id: nil, code: RPCErrorCode.invalidRequest, PluginError(.invalidRequest, "a request needs an integer id"))
        }
        guard request.jsonrpc == nil || request.jsonrpc == "2.0" else {
            return ResponseLine.error(
                id: id, code: RPCErrorCode.invalidRequest, PluginError(.invalidRequest, "jsonrpc must be \"2.0\""))
        }
        guard let methodName = request.method else {
            return ResponseLine.error(
                id: id, code: RPCErrorCode.invalidRequest, PluginError(.invalidRequest, "a request needs a method"))
        }
        switch request.call {
        case nil:
            return ResponseLine.error(
                id: id, code: RPCErrorCode.methodNotFound,
                PluginError(.unsupported, "method \(methodName.prefix(64)) not found"))
        case .failure(let error):
            return ResponseLine.error(
                id: id, code: RPCErrorCode.invalidParams, PluginError(.invalidRequest, ParamsErrorDescription.describe(error)))
        case .success(let call):
            do {
                return try await perform(call, id: id)
            } catch let error as PluginError {
                return ResponseLine.error(id: id, code: RPCErrorCode.applicationError, error)
            } catch {
                PluginLog.write(.error, "\(call.method.rawValue) (id \(id)) failed with an \(Self.safeDescription(of: error))")
                return ResponseLine.error(
                    id: id, code: RPCErrorCode.applicationError,
                    PluginError(.internal, "internal error in the \(info.name) plugin (details in the plugin's log)"))
            }
        }
    }

    /// Checks the connection, calls the plugin, encodes the result.
    private func perform(_ call: PluginCall, id: Int) async throws -> [UInt8] {
        if let connection = call.connectionToCheck, !connections.contains(connection) {
            throw PluginError.connectionNotInitialized(connection)
        }
        switch call {
        case .info:
            return ResponseLine.result(id: id, json: try encode(info))
        case .initialize(let request):
            let result = try await plugin.initialize(request)
            connections.insert(request.connection)
            return ResponseLine.result(id: id, json: try encode(result))
        case .newUser(let request):
            return ResponseLine.result(id: id, json: try encode(try await plugin.newUser(request)))
        case .renewUser(let request):
            try await plugin.renewUser(request)
            return ResponseLine.emptyResult(id: id)
        case .revokeUser(let request):
            try await plugin.revokeUser(request)
            return ResponseLine.emptyResult(id: id)
        case .rotateRoot(let request):
            return ResponseLine.result(id: id, json: try encode(try await plugin.rotateRoot(request)))
        case .setCredentials(let request):
            try await plugin.setCredentials(request)
            return ResponseLine.emptyResult(id: id)
        case .close(let request):
            // Forget the connection even if the plugin's close fails: its state is gone either way.
            defer { connections.remove(request.connection) }
            try await plugin.close(connection: request.connection)
            return ResponseLine.emptyResult(id: id)
        }
    }

    private func encode(_ value: some Encodable) throws(PluginError) -> [UInt8] {
        do {
            return Array(try PluginJSON.encoder.encode(value))
        } catch {
            // Say what failed without the value, which may hold a secret.
            throw PluginError(.internal, "cannot encode the result of the call")
        }
    }
}
