import Foundation

extension SystemBackend {
    struct KeyStatus: Encodable {
        var term: Int
        var installTime: String
        var encryptions: Int
        enum CodingKeys: String, CodingKey { case term, installTime = "install_time", encryptions }
    }

    /// `sys/key-status`: the barrier's active key term (`sys/rotate` adds one).
    func keyStatus() throws -> LogicalResponse {
        let status = try core.barrier.keyStatus()
        return LogicalResponse(
            data: KeyStatus(term: status.term, installTime: TimestampFormat.milliseconds(status.installTime), encryptions: status.encryptions),
            shape: .envelopeWithTopLevelData
        )
    }
}
