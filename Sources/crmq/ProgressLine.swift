import Foundation

/// The line on standard error that a statement running longer than two seconds shows:
/// its elapsed time and how to cancel it, redrawn a few times a second by a thread of
/// its own and erased before any result is written.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: every field is touched under `condition`.
    private let condition = NSCondition()
    private var startedAt: ContinuousClock.Instant?
    private var drawn = false
    private var thread: Thread?
    private var finished = false
    private let delay: Duration
    private let interval: TimeInterval

    init(delay: Duration = .seconds(2), interval: TimeInterval = 0.25) {
        self.delay = delay
        self.interval = interval
    }

    /// A statement starts: count from now.
    func begin() {
        condition.lock()
        defer { condition.unlock() }
        startedAt = ContinuousClock.now
        if thread == nil {
            // The thread keeps the progress line alive until `finish`.
            let t = Thread { self.loop() }
            t.name = "crmq progress"
            thread = t
            t.start()
        }
        condition.signal()
    }

    /// Nothing is running (or a result is about to be written): erase the line.
    func end() {
        condition.lock()
        defer { condition.unlock() }
        startedAt = nil
        erase()
    }

    /// The shell is ending: erase the line and end the thread.
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        startedAt = nil
        erase()
        finished = true
        condition.signal()
    }

    private func loop() {
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            guard let start = startedAt else {
                condition.wait()
                continue
            }
            let elapsed = ContinuousClock.now - start
            if elapsed >= delay {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                draw(String(format: "running for %.1f s (Ctrl-C cancels)", seconds))
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
            } else {
                let remaining = delay - elapsed
                let wait = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
                _ = condition.wait(until: Date(timeIntervalSinceNow: wait))
            }
        }
    }

    private func draw(_ text: String) {
        write("\r\u{1B}[2K" + text)
        drawn = true
    }

    private func erase() {
        guard drawn else { return }
        write("\r\u{1B}[2K")
        drawn = false
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
