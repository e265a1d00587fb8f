@testable import DatabasePluginKit
import Testing

@Suite struct InFlightTrackerTests {
    @Test func idleTrackerReturnsAtOnce() async {
        #expect(await InFlightTracker().waitUntilIdle(timeout: .seconds(60)) == true)
    }

    @Test func waitEndsWhenTheLastCallEnds() async {
        let tracker = InFlightTracker()
        tracker.begin()
        tracker.begin()
        async let idle = tracker.waitUntilIdle(timeout: .seconds(60))
        tracker.end()
        tracker.end()
        #expect(await idle == true)
        #expect(tracker.count == 0)
    }

    @Test func waitGivesUpAfterTheTimeout() async {
        let tracker = InFlightTracker()
        tracker.begin()
        #expect(await tracker.waitUntilIdle(timeout: .milliseconds(10)) == false)
        #expect(tracker.count == 1)
    }
}
