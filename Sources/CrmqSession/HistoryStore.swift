#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CrmqDiagnostics
import CrmqLoading

/// The history file that every shell of a user shares (`~/.crmq_history`), in
/// `HistoryFile`'s format. Several shells may be open at once, so the file is never
/// written whole from one shell's memory:
///
/// - each entry is appended as one line, under an exclusive `flock` on the file, so the
///   entries of shells typing at the same time are all kept, in the order they were made;
/// - when the file holds more than `limit` entries plus a tenth (`trimsAbove`), it is
///   rewritten with the newest `limit` entries (a temporary file renamed over it, under
///   the same lock), so an entry costs O(1) however long the file is;
/// - a shell starting loads the newest `limit` entries.
///
/// A lock holder that renamed the file leaves its lock on the old file: after taking the
/// lock a shell checks that its descriptor is still the file at `path`, else opens again.
/// Files are read and written with plain POSIX calls (a lock, an appending write).
///
/// A file that does not begin with the cookie is not crmq's: its lines are loaded as
/// entries but it is never written. Nothing read from the file can make this trap.
public final class HistoryStore {
    public let path: String
    /// Whether entries are appended to the file; false once it proved not to be a history
    /// file (or not a regular file).
    public private(set) var isWritable = true
    /// How long to wait for another shell's lock before giving up on this entry (it is
    /// then written with the next one).
    public var lockWait: Double = 5

    /// What this shell knows of the file: which file it is, how many of its bytes have
    /// been counted, and how many entries they hold. Another shell's appends are counted
    /// from `size` on; a file replaced (trimmed by another shell) or shrunk is counted again.
    private var known: (device: UInt64, inode: UInt64, size: Int, entries: Int)?
    /// Lines not written yet (the file was locked too long, or a write failed).
    private var unwritten: [UInt8] = []

    public init(path: String) {
        self.path = path
    }

    /// The file holds at most this many entries before it is trimmed to `limit`: a tenth
    /// more, so that trims are rare and an entry's share of their cost is constant.
    public static func trimsAbove(limit: Int) -> Int {
        let size = max(limit, 0)
        return size + max(1, size / 10)
    }

    /// The newest `limit` entries of the file, oldest first; none when there is no file yet.
    /// `problem`: why the session's history will not be saved to the file, if it will not.
    public func load(limit: Int) -> (entries: [String], problem: String?) {
        var st = stat()
        guard stat(path, &st) == 0 else { return ([], nil) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            isWritable = false
            // /dev/null is a way of asking for no history file; anything else is a mistake.
            return ([], st.st_mode & S_IFMT == S_IFCHR ? nil : "\(path) is not a regular file; the history is kept in memory only")
        }
        guard let locked = lockedFile(exclusive: false) else {
            return ([], "cannot read the history file \(path): \(errorText(errno))")
        }
        defer { close(locked.fd) }
        guard let bytes = readAll(locked.fd) else {
            return ([], "cannot read the history file \(path): \(errorText(errno))")
        }
        let (entries, isHistoryFile) = Self.entries(in: bytes, last: limit)
        // An empty file (`touch`ed) becomes a history file with the first entry.
        if isHistoryFile || bytes.isEmpty {
            known = (
                UInt64(locked.stat.st_dev), UInt64(locked.stat.st_ino), bytes.count,
                bytes.withUnsafeBytes { Self.lineBreaks($0, from: Self.layout(of: $0).start) })
        } else {
            isWritable = false
        }
        return (entries, isHistoryFile || bytes.isEmpty ? nil
            : "\(path) is not a crmq history file; this session's history will not be saved to it")
    }

    /// The newest `limit` entries of a history file's bytes, oldest first, decoding only
    /// those (a file of a million entries costs a count of its line breaks): for a history
    /// file, what `HistoryFile.entries(in:)` gives, or its end. A file that does not begin
    /// with the cookie's line is not a history file: its last lines are decoded all the same.
    /// Any bytes give entries, never a trap.
    public static func entries(in bytes: [UInt8], last limit: Int) -> (entries: [String], isHistoryFile: Bool) {
        bytes.withUnsafeBytes { buffer in
            let layout = layout(of: buffer)
            return (lines(of: buffer, from: layout.start, last: max(limit, 0)).map { HistoryFile.decode($0) }, layout.isHistoryFile)
        }
    }

    /// Appends `entry` to the file; trims the file to the newest `limit` entries when it
    /// holds more than `trimsAbove(limit:)`. Returns a problem to report, or nil.
    @discardableResult
    public func append(_ entry: String, limit: Int) -> String? {
        guard isWritable else { return nil }
        unwritten += Array(HistoryFile.line(for: entry).utf8) + [Self.lineFeed]
        return writeUnwritten(limit: limit)
    }

    /// Writes the entries an earlier `append` could not (the file was locked); for the
    /// shell's end. Returns a problem to report, or nil.
    @discardableResult
    public func flush(limit: Int) -> String? {
        guard isWritable, !unwritten.isEmpty else { return nil }
        return writeUnwritten(limit: limit)
    }

    private func writeUnwritten(limit: Int) -> String? {
        guard let locked = lockedFile(exclusive: true) else {
            return errno == EWOULDBLOCK
                ? "the history file \(path) is locked by another program; this entry is saved with the next one"
                : "cannot save the history to \(path): \(errorText(errno))"
        }
        defer { close(locked.fd) }
        guard locked.stat.st_mode & S_IFMT == S_IFREG else {
            isWritable = false
            unwritten = []
            return "\(path) is not a regular file; the history is kept in memory only"
        }
        let fd = locked.fd
        let size = Int(locked.stat.st_size)
        guard var entries = countEntries(fd, stat: locked.stat) else {
            // The file changed into something that is not a history file.
            isWritable = false
            unwritten = []
            return "\(path) is not a crmq history file; this session's history will not be saved to it"
        }
        var bytes: [UInt8] = []
        if size == 0 {
            bytes = Array(HistoryFile.cookie.utf8) + [Self.lineFeed]
        } else if lastByte(fd, size: size) != Self.lineFeed {
            // A line cut short (a writer that died, an editor): the entry starts a line of its
            // own. (A file of the cookie alone: that line break ends the cookie's line.)
            bytes = [Self.lineFeed]
            if size > HistoryFile.cookie.utf8.count { entries += 1 }
        }
        let added = unwritten.reduce(0) { $0 + ($1 == Self.lineFeed ? 1 : 0) }
        bytes += unwritten
        // One write with O_APPEND: never interleaved with another shell's line.
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            let e = written < 0 ? errno : ENOSPC
            // Take back a partial line, so that the file stays whole; the lines are tried again.
            _ = ftruncate(fd, off_t(size))
            known = nil
            return "cannot save the history to \(path): \(errorText(e))"
        }
        unwritten = []
        entries += added
        known = (UInt64(locked.stat.st_dev), UInt64(locked.stat.st_ino), size + bytes.count, entries)
        if entries > Self.trimsAbove(limit: limit) {
            return trim(fd, to: limit)
        }
        return nil
    }

    // MARK: - Trimming

    /// Rewrites the file (locked through `fd`) with its newest `limit` entries: a temporary
    /// file renamed over it, so a crash leaves the old file or the new one.
    private func trim(_ fd: Int32, to limit: Int) -> String? {
        guard let bytes = readAll(fd) else { return "cannot trim the history file \(path): \(errorText(errno))" }
        var kept: [UInt8] = Array(HistoryFile.cookie.utf8) + [Self.lineFeed]
        var count = 0
        bytes.withUnsafeBytes { buffer in
            let layout = Self.layout(of: buffer)
            let tail = Self.lines(of: buffer, from: layout.start, last: max(limit, 0))
            count = tail.count
            for line in tail {
                kept += line
                kept.append(Self.lineFeed)
            }
        }
        do throws(Diagnostic) {
            try AtomicFileWriter.replace(path) { (writer: inout AtomicFileWriter) throws(Diagnostic) in writer.write(kept) }
        } catch {
            return "cannot trim the history file \(path): \(error.message)"
        }
        var st = stat()
        if stat(path, &st) == 0 {
            known = (UInt64(st.st_dev), UInt64(st.st_ino), kept.count, count)
        } else {
            known = nil
        }
        return nil
    }

    // MARK: - The file's layout

    /// Where a history file's entries are: `start`, the offset of the first entry's line
    /// (after the cookie's line); `entries`, how many lines follow (a last line without its
    /// line break counts). A file that does not begin with the cookie's line is not a
    /// history file; all its lines count.
    static func layout(of bytes: UnsafeRawBufferPointer) -> (isHistoryFile: Bool, start: Int, entries: Int) {
        let cookie = Array(HistoryFile.cookie.utf8)
        let isHistoryFile = bytes.count >= cookie.count
            && bytes.prefix(cookie.count).elementsEqual(cookie)
            && (bytes.count == cookie.count || bytes[cookie.count] == lineFeed)
        let start = isHistoryFile ? min(cookie.count + 1, bytes.count) : 0
        return (isHistoryFile, start, lineCount(bytes, from: start))
    }

    /// The lines from `start` on: a last line without its line break counts.
    static func lineCount(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard start < bytes.count else { return 0 }
        return lineBreaks(bytes, from: start) + (bytes[bytes.count - 1] == lineFeed ? 0 : 1)
    }

    /// The line breaks from `start` on.
    static func lineBreaks(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress else { return 0 }
        var count = 0
        var at = start
        while at < bytes.count, let hit = memchr(base + at, Int32(lineFeed), bytes.count - at) {
            count += 1
            at = base.distance(to: UnsafeRawPointer(hit)) + 1
        }
        return count
    }

    /// The last `n` lines from `start` on, without their line breaks.
    static func lines(of bytes: UnsafeRawBufferPointer, from start: Int, last n: Int) -> [[UInt8]] {
        guard let base = bytes.baseAddress, n > 0 else { return [] }
        let total = lineCount(bytes, from: start)
        var at = start
        // Skip the lines before the last n.
        for _ in 0..<max(0, total - n) {
            guard let hit = memchr(base + at, Int32(lineFeed), bytes.count - at) else { break }
            at = base.distance(to: UnsafeRawPointer(hit)) + 1
        }
        var lines: [[UInt8]] = []
        lines.reserveCapacity(min(n, total))
        while at < bytes.count {
            let end = memchr(base + at, Int32(lineFeed), bytes.count - at).map { base.distance(to: UnsafeRawPointer($0)) }
                ?? bytes.count
            lines.append(Array(bytes[at..<end]))
            at = end + 1
        }
        return lines
    }

    // MARK: - POSIX

    private static let lineFeed = UInt8(ascii: "\n")

    /// The file at `path` opened and locked (created for an exclusive lock): a descriptor
    /// that is still the file at `path` once locked. nil with errno set when it cannot be
    /// opened, or stays locked by another program longer than `lockWait` (EWOULDBLOCK).
    private func lockedFile(exclusive: Bool) -> (fd: Int32, stat: stat)? {
        let deadline = monotonicSeconds() + lockWait
        while true {
            let flags = exclusive ? O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC
            let fd = openFile(path, flags, 0o600)
            guard fd >= 0 else { return nil }
            var locked = false
            while true {
                if flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 {
                    locked = true
                    break
                }
                // EINTR: Ctrl-C or a window change; keep trying until the deadline.
                guard errno == EWOULDBLOCK || errno == EINTR, monotonicSeconds() < deadline else { break }
                usleep(2_000)
            }
            guard locked else {
                let e = errno
                close(fd)
                errno = e == EINTR ? EWOULDBLOCK : e
                return nil
            }
            var mine = stat(), there = stat()
            guard fstat(fd, &mine) == 0 else {
                let e = errno
                close(fd)
                errno = e
                return nil
            }
            // Still the file at `path`? Another shell may have renamed a trimmed file over it.
            if stat(path, &there) == 0, there.st_dev == mine.st_dev, there.st_ino == mine.st_ino {
                return (fd, mine)
            }
            close(fd)
            if monotonicSeconds() >= deadline {
                errno = EWOULDBLOCK
                return nil
            }
        }
    }

    /// The whole lines after the cookie's in the locked file (a last line without its line
    /// break is not counted): counted from what is known of it, reading only what other
    /// shells appended since; the whole file when it is another file or shrank. nil when
    /// it is not a history file (an empty file is one, with no entries).
    private func countEntries(_ fd: Int32, stat st: stat) -> Int? {
        let size = Int(st.st_size)
        if size == 0 { return 0 }
        if let known, known.device == UInt64(st.st_dev), known.inode == UInt64(st.st_ino), known.size <= size {
            guard known.size < size, let added = readAll(fd, from: known.size) else { return known.entries }
            return known.entries + added.withUnsafeBytes { Self.lineBreaks($0, from: 0) }
        }
        guard let bytes = readAll(fd) else { return 0 }
        return bytes.withUnsafeBytes { buffer in
            let layout = Self.layout(of: buffer)
            return layout.isHistoryFile ? Self.lineBreaks(buffer, from: layout.start) : nil
        }
    }

    /// The file's last byte.
    private func lastByte(_ fd: Int32, size: Int) -> UInt8? {
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, off_t(size - 1)) == 1 ? byte : nil
    }

    /// The file's bytes from `offset` to its end; nil with errno set when reading fails.
    private func readAll(_ fd: Int32, from offset: Int = 0) -> [UInt8]? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        // Read straight into an array of the file's size; more if it grew meanwhile.
        var capacity = max(0, Int(st.st_size) - offset) + 1
        var failure: Int32 = 0
        while true {
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                while count < capacity {
                    let n = pread(fd, buffer.baseAddress! + count, capacity - count, off_t(offset + count))
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if n == 0 { return }
                    count += n
                }
            }
            if failure != 0 {
                errno = failure
                return nil
            }
            if bytes.count < capacity { return bytes }
            capacity *= 2
        }
    }

    private func errorText(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }

    private func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

@inline(__always)
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
