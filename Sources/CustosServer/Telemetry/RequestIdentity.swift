/// The id of the request being served, set by `TelemetryResponder` so that `VaultResponder`'s
/// answer, the request's metrics and its log lines all carry the same `request_id`.
enum RequestIdentity {
    @TaskLocal static var id: String?
}
