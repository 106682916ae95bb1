import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The crmq binary on a pseudo-terminal, as a person at a terminal runs it: spawned as a
/// session leader with the terminal as its controlling terminal (so Ctrl-C typed into it
/// raises SIGINT), its output read with timeouts. Expectations match the program's
/// output, never a fixed sleep; libedit redraws the line being typed with cursor codes,
/// so tests look for what the program prints, not for the echo.
final class PseudoTerminal {
    struct Timeout: Error, CustomStringConvertible {
        var waitingFor: [String]
        var output: String
        var description: String {
            "timed out waiting for \(waitingFor.map { String(reflecting: $0) }.joined(separator: " or ")); output since the last match:\n\(output)"
        }
    }

    struct Exited: Error, CustomStringConvertible {
        var waitingFor: [String]
        var output: String
        var description: String {
            "crmq exited while waiting for \(waitingFor.map { String(reflecting: $0) }.joined(separator: " or ")); output since the last match:\n\(output)"
        }
    }

    let pid: pid_t
    private let master: Int32
    /// Everything read so far.
    private(set) var output: [UInt8] = []
    /// Where the next `expect` starts looking.
    private var mark = 0
    private var exitStatus: Int32?
    private var closed = false

    static let columns: UInt16 = 100

    /// Starts crmq with `arguments` on a new pseudo-terminal. `environment` adds to (or,
    /// with a nil value, removes from) a small fixed environment: TERM=xterm, a UTF-8
    /// locale, NO_COLOR, and HOME and CRMQ_HISTORY as the caller gives them.
    init(_ arguments: [String], environment: [String: String?] = [:], directory: URL? = nil) throws {
        // posix_openpt, unlockpt and ptsname, spelled as Linux does them (Swift's Glibc
        // module does not show those three).
        let m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard m >= 0, ioctl(m, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(m, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: 30, ws_col: Self.columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(m, UInt(TIOCSWINSZ), &size)

        var env: [String: String] = [
            "TERM": "xterm", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "1",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        for (k, v) in environment { env[k] = v }

        // posix_spawn, not fork: the test process has many threads. POSIX_SPAWN_SETSID makes
        // the child a session leader before the file actions run, so opening the terminal
        // (without O_NOCTTY) makes it the child's controlling terminal.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(0x80 /* POSIX_SPAWN_SETSID */ | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        // A working folder through the shell (posix_spawn_file_actions_addchdir_np is not
        // visible from Swift either).
        let command = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0.path] } ?? []
        let program = command.first ?? Binary.url.path
        let argv = (command + [Binary.url.path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, program, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            close(m)
            throw POSIXError(.init(rawValue: rc) ?? .EIO)
        }
        pid = child
        master = m
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        if !closed { close(master) }
    }

    // MARK: - Typing

    /// Types text (control characters included: "\u{03}" is Ctrl-C, "\t" Tab, "\r" Enter).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "cannot write to the pseudo-terminal")
            offset += n
        }
    }

    /// Types a line and Enter.
    func sendLine(_ text: String) { send(text + "\r") }

    static let up = "\u{1B}[A"
    static let backspace = "\u{7F}"
    static let ctrlC = "\u{03}"
    static let ctrlD = "\u{04}"

    // MARK: - Reading

    /// Waits until one of `needles` appears in the output after the last match; returns
    /// its index and the output up to the end of the match, and moves past it.
    @discardableResult
    func expect(_ needles: [String], timeout: Double = 60) throws -> (index: Int, text: String) {
        let deadline = Date().addingTimeInterval(timeout)
        let patterns = needles.map { Array($0.utf8) }
        while true {
            var best: (index: Int, start: Int, end: Int)?
            for (i, p) in patterns.enumerated() {
                if let s = Self.find(p, in: output, from: mark), best == nil || s < best!.start {
                    best = (i, s, s + p.count)
                }
            }
            if let best {
                let text = String(decoding: output[mark..<best.end], as: UTF8.self)
                mark = best.end
                return (best.index, text)
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw Timeout(waitingFor: needles, output: String(decoding: output[mark...], as: UTF8.self))
            }
            if !readSome(timeout: remaining) {
                throw Exited(waitingFor: needles, output: String(decoding: output[mark...], as: UTF8.self))
            }
        }
    }

    /// Waits for `needle`; returns the output up to the end of it.
    @discardableResult
    func expect(_ needle: String, timeout: Double = 60) throws -> String {
        try expect([needle], timeout: timeout).text
    }

    /// Reads what is there within `timeout`; false at end of output (the child closed
    /// the terminal).
    private func readSome(timeout: Double) -> Bool {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let r = poll(&fds, 1, Int32(min(timeout, 1) * 1000))
        if r < 0 { return errno == EINTR }
        if r == 0 { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress!, $0.count) }
        if n > 0 {
            output += buffer[..<n]
            return true
        }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return true }
        return false  // EIO: no process has the terminal open any more
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !pattern.isEmpty, bytes.count - from >= pattern.count else { return nil }
        var i = from
        let first = pattern[0]
        while i <= bytes.count - pattern.count {
            if bytes[i] == first && bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    /// The output after the last match, read for up to `timeout` seconds.
    func drain(timeout: Double) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0, readSome(timeout: deadline.timeIntervalSinceNow) {}
        return String(decoding: output[mark...], as: UTF8.self)
    }

    // MARK: - Ending

    /// Waits for the process to end, reading its output meanwhile; its exit status, or
    /// 128 + the signal that ended it.
    func waitForExit(timeout: Double = 60) throws -> Int32 {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                exitStatus = code
                _ = drain(timeout: 0.2)
                return code
            }
            if deadline.timeIntervalSinceNow <= 0 {
                throw Timeout(waitingFor: ["exit"], output: String(decoding: output[mark...], as: UTF8.self))
            }
            if !readSome(timeout: 0.05) { usleep(20_000) }
        }
    }

    func signal(_ sig: Int32) { kill(pid, sig) }
}
