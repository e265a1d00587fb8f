import Testing

@testable import DatabaseEngine

/// A wait that never returns fails the test by its time limit.
@Suite(.timeLimit(.minutes(1))) struct WakeSignalTests {
    @Test func aSignalWakesTheWaiterOrIsKeptForTheNextWait() async {
        let wake = WakeSignal()
        wake.signal()
        await wake.wait()
        async let waiting: Void = wake.wait()
        wake.signal()
        await waiting
    }

    @Test func aCancelledWaitReturnsAndConsumesNoSignal() async {
        let wake = WakeSignal()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await wake.wait() }
            group.cancelAll()
        }
        wake.signal()
        await wake.wait()
    }
}
