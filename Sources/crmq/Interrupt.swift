import Foundation
import Synchronization
import CrmqEngine

/// Ctrl-C. The SIGINT handler only sets a flag and cancels the running statement (the
/// engine polls the session's cancellation flag); it never quits. Installed without
/// SA_RESTART, so a Ctrl-C while typing interrupts libedit's read with EINTR.
enum Interrupt {
    /// The running statement's flag, reached from the handler (set once, before install).
    nonisolated(unsafe) fileprivate static var target: CancellationFlag?
    fileprivate static let pending = Atomic<Bool>(false)
    /// A pipe the handler writes a byte to, so a reader waiting in poll() wakes at once
    /// (a flag alone could be set just before the reader blocks).
    nonisolated(unsafe) private(set) static var wakeUp: (read: Int32, write: Int32) = (-1, -1)

    static func install(cancelling flag: CancellationFlag) {
        target = flag
        var fds: [Int32] = [-1, -1]
        if wakeUp.read < 0, pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            wakeUp = (fds[0], fds[1])
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handleInterrupt
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART
        sigaction(SIGINT, &action, nil)
    }

    /// Whether a Ctrl-C came since `clearPending`.
    static var isPending: Bool { pending.load(ordering: .relaxed) }
    static func clearPending() {
        pending.store(false, ordering: .relaxed)
        var byte: UInt8 = 0
        if wakeUp.read >= 0 { while read(wakeUp.read, &byte, 1) > 0 {} }
    }
}

private func handleInterrupt(_ signal: Int32) {
    Interrupt.pending.store(true, ordering: .relaxed)
    Interrupt.target?.cancel()
    var byte: UInt8 = 0
    let saved = errno
    if Interrupt.wakeUp.write >= 0 { _ = write(Interrupt.wakeUp.write, &byte, 1) }
    errno = saved
}
