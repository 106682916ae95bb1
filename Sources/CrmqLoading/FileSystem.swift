#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CrmqDiagnostics
import CrmqEngine
import CCrmqSystem

// Plain POSIX calls rather than Foundation: the whole file mapped (or read into one
// array), and errno for exact error messages.

/// What a path names on disk.
enum PathKind {
    case missing, file, folder, other
}

/// Bounds on reading a file that is not a regular file (a FIFO, a device, a terminal),
/// whose size is not known in advance.
public struct ReadLimits: Sendable {
    /// At most this many bytes.
    public var streamBytes: Int
    /// Seconds to wait for a program to open a FIFO for writing.
    public var writerWait: Int
    /// Stops the read (Ctrl-C).
    public var cancellation: CancellationFlag?

    public init(streamBytes: Int = ReadLimits.defaultStreamBytes, writerWait: Int = 10, cancellation: CancellationFlag? = nil) {
        self.streamBytes = streamBytes
        self.writerWait = writerWait
        self.cancellation = cancellation
    }

    /// An eighth of physical memory, and at most 1 GiB: the CSV text and the columns
    /// made from it are both in memory while loading, and a device such as /dev/zero
    /// never ends. A larger file is loaded from a regular file, which has no limit.
    public static let defaultStreamBytes: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), page = sysconf(Int32(_SC_PAGESIZE))
        let physical = pages > 0 && page > 0 ? pages * page : 1 << 32
        return min(physical / 8, 1 << 30)
    }()

    public static let standard = ReadLimits()
}

enum FileSystem {
    static func kind(of path: String) -> PathKind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "error \(code)" }
        return String(cString: s)
    }

    /// The whole file as bytes, read once.
    static func readAll(_ path: String) throws(Diagnostic) -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// Opens without blocking: opening a FIFO for reading would otherwise wait, uncancellable,
    /// until some program opens it for writing. Reads from a descriptor of a regular file
    /// never block anyway; other files are read by `readStream`, which polls.
    private static func openForReading(_ path: String) throws(Diagnostic) -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw Diagnostic(LoadMessage.notFound, at: .path(path)) }
            throw Diagnostic(LoadMessage.cannotRead(reason: errorText(e)), at: .path(path))
        }
        return fd
    }

    /// Everything left to read from an open file (`path` names it in errors): at most
    /// `limits.streamBytes` bytes, waiting in `poll` so that a cancellation is seen within
    /// a tenth of a second however slowly the other end writes (a FIFO, a device such as
    /// /dev/zero, a terminal). A FIFO that no program writes to within
    /// `limits.writerWait` seconds is an error rather than a wait without end.
    private static func readAll(_ fd: Int32, path: String, limits: ReadLimits = .standard) throws(Diagnostic) -> [UInt8] {
        var st = stat()
        let isRegular = fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
        let isFIFO = !isRegular && st.st_mode & S_IFMT == S_IFIFO
        let size = isRegular ? Int(st.st_size) : 0
        // One byte more than the size, so that a file read whole leaves room for the read
        // that returns 0 (a full buffer would otherwise double before it).
        var bytes = [UInt8](repeating: 0, count: min(max(size + 1, 1 << 16), limits.streamBytes + 1))
        var filled = 0
        var heardFromWriter = false
        var waited = 0
        while true {
            if filled > limits.streamBytes {
                throw Diagnostic(LoadMessage.streamTooLarge(limit: limits.streamBytes), at: .path(path))
            }
            if limits.cancellation?.isCancelled == true {
                throw Diagnostic(LoadMessage.cancelled, at: .path(path))
            }
            if filled == bytes.count {
                // An array of zeros is filled by memset even in a debug build, unlike a
                // repeated element appended one at a time.
                bytes.append(contentsOf: [UInt8](repeating: 0, count: min(bytes.count, limits.streamBytes + 2 - bytes.count)))
            }
            let n = bytes.withUnsafeMutableBytes { buf in
                read(fd, buf.baseAddress! + filled, buf.count - filled)
            }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&p, 1, 100)
                    if ready > 0 { heardFromWriter = true } else { waited += 1 }
                    continue
                }
                throw Diagnostic(LoadMessage.cannotRead(reason: errorText(e)), at: .path(path))
            }
            if n == 0 {
                // A FIFO reads as ended while no writer has opened it yet: wait for one,
                // a while, polling so that Ctrl-C is seen.
                if isFIFO && !heardFromWriter && filled == 0 {
                    if waited >= limits.writerWait * 10 {
                        throw Diagnostic(LoadMessage.noWriter(seconds: limits.writerWait), at: .path(path))
                    }
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    if poll(&p, 1, 100) > 0 && p.revents & Int16(POLLIN) != 0 { heardFromWriter = true } else { waited += 1 }
                    if p.revents & Int16(POLLHUP) != 0 && p.revents & Int16(POLLIN) == 0 {
                        // poll reports a hang-up only after a writer came and went.
                        heardFromWriter = true
                    }
                    continue
                }
                break
            }
            heardFromWriter = true
            filled += n
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// Runs `body` on the bytes of a whole file, mapped into memory rather than copied:
    /// the pages come from the page cache, so a large file costs no copy and no second
    /// buffer (copying the 473 MB transactions.csv into an array, page faults included,
    /// was about a tenth of loading it, by perf). The mapping lives only during `body`. A file that cannot be
    /// mapped (a pipe, an empty file) is read with `readAll`. `body` is told whether the
    /// bytes are mapped: only then may it `releasePages` (see there).
    static func withContents<T>(
        of path: String, limits: ReadLimits = .standard,
        _ body: (UnsafeBufferPointer<UInt8>, _ mapped: Bool) throws(Diagnostic) -> T
    ) throws(Diagnostic) -> T {
        let fd = try openForReading(path)
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFREG ? Int(st.st_size) : 0
        // MAP_POPULATE maps every page up front, in one call, instead of a fault per page;
        // not for a file read in blocks, whose pages are mapped a block at a time (`populate`).
        let flags = MAP_PRIVATE | (size < LoadTuning.standard.blockedBytes ? MAP_POPULATE : 0)
        let mapped = size > 0 ? mmap(nil, size, PROT_READ, flags, fd, 0) : MAP_FAILED
        guard let base = mapped, base != MAP_FAILED else {
            // Read from the descriptor already open: opening a named pipe again could wait
            // forever for a writer that has already gone.
            let bytes = try readAll(fd, path: path, limits: limits)
            let result: Result<T, Diagnostic> = bytes.withUnsafeBufferPointer { p in
                Result { () throws(Diagnostic) -> T in try body(p, false) }
            }
            return try result.get()
        }
        defer { munmap(base, size) }
        // A file cut short while it is read would raise SIGBUS on the pages past its new
        // end; guarded, those read as zeros and the load fails with an error instead.
        let guardSlot = crmq_guard_mapping(base, size)
        let result = Result { () throws(Diagnostic) -> T in
            try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size), true)
        }
        let faulted = crmq_unguard_mapping(guardSlot) != 0
        var after = stat()
        if faulted || (fstat(fd, &after) == 0 && (after.st_size != st.st_size || after.st_mtim.tv_sec != st.st_mtim.tv_sec
            || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec))
        {
            throw Diagnostic(LoadMessage.changedWhileLoading, at: .path(path))
        }
        return try result.get()
    }

    /// Lets the kernel drop the pages of `p[s..<e]` (those wholly inside it), for bytes
    /// that `withContents` mapped: they count in the process's memory while mapped, and
    /// a loaded file is not needed once converted. Reading them again is still correct:
    /// a read-only private mapping refills dropped pages from the file. (On memory of
    /// one's own, dropping pages would zero it: never call this on an array.)
    static func releasePages(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base = Int(bitPattern: p.baseAddress)
        let from = (base + s + page - 1) / page * page, to = (base + e) / page * page
        guard to > from else { return }
        madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, MADV_DONTNEED)
    }

    /// Maps the pages of `p[s..<e]`, for bytes that `withContents` mapped without
    /// MAP_POPULATE: one call instead of a fault per page. Only a hint: a kernel without
    /// MADV_POPULATE_READ (Linux 5.14) leaves the pages to fault in as they are read.
    static func populate(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base = Int(bitPattern: p.baseAddress)
        let from = (base + s) / page * page, to = base + e
        guard to > from else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, madvisePopulateRead)
    }

    /// MADV_POPULATE_READ, which Glibc's module does not export.
    private static let madvisePopulateRead: Int32 = 22

    /// Names of the entries of a folder (without `.` and `..`), unsorted.
    static func entries(of folder: String) throws(Diagnostic) -> [String] {
        guard let dir = opendir(folder) else {
            throw Diagnostic(LoadMessage.cannotRead(reason: errorText(errno)), at: .path(folder))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The folder part of a path ("." for a bare file name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// Opens a file to stream results into (`.output`): written in place, never replaced,
/// so a symbolic link is followed, a file keeps its permissions and links, and a FIFO
/// or a terminal receives the text as it comes. A folder or a block device (a disk) is
/// refused. Returns the descriptor, or why the file cannot be written.
public enum OutputStreamFile {
    public struct Failure: Error {
        public let reason: String
    }

    public static func open(_ path: String) throws(Failure) -> Int32 {
        var st = stat()
        if stat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFDIR: throw Failure(reason: "it is a folder")
            case S_IFBLK: throw Failure(reason: "it is a block device")
            case S_IFSOCK: throw Failure(reason: "it is a socket")
            default: break
            }
        }
        let isRegular = st.st_mode & S_IFMT == S_IFREG
        // O_NONBLOCK: a FIFO without a reader is an error now, not a wait without end.
        let fd = Glibc_open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | (isRegular ? O_TRUNC : 0), 0o666)
        guard fd >= 0 else {
            let e = errno
            throw Failure(reason: e == ENXIO ? "no program is reading this FIFO" : FileSystem.errorText(e))
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }
}

@inline(__always)
private func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

/// Writes a file so that readers see either the old file whole or the new one whole:
/// the bytes go to a temporary file in the same folder, which is then renamed over the
/// target. On any failure, a cancellation or a fatal signal (SIGTERM, SIGHUP, or SIGINT
/// where Ctrl-C is not the shell's) the temporary is removed and the old file is untouched.
///
/// What is replaced: a symbolic link is followed and its target replaced (the link
/// stays); an existing file keeps its permission bits and, where the process may set
/// them, its owner and group. A device, FIFO, socket or folder is never replaced: that is
/// an error. A file with several hard links becomes a new file under this name only
/// (the other names keep the old content): a rename cannot keep links.
public struct AtomicFileWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var failure: Int32 = 0
    private let cancellation: CancellationFlag?
    private var cancelled = false

    private init(fd: Int32, cancellation: CancellationFlag?) {
        self.fd = fd
        self.cancellation = cancellation
        buffer.reserveCapacity(Self.flushSize)
    }

    private static let flushSize = 1 << 20

    /// Appends bytes; they are flushed to the temporary file in large blocks.
    public mutating func write(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { flush() }
    }

    public mutating func write(_ text: String) {
        var t = text
        t.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.flushSize { flush() }
    }

    private mutating func flush() {
        if cancellation?.isCancelled == true { cancelled = true }
        guard failure == 0, !cancelled else { buffer.removeAll(keepingCapacity: true); return }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in Glibc_write(fd, raw.baseAddress! + offset, raw.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The path a write to `path` replaces: `path` itself, or what its chain of symbolic
    /// links ends at (a link to a missing file creates that file).
    static func resolvedTarget(of path: String) throws(Diagnostic) -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return current }
            // As the kernel's protected_symlinks: a link in a sticky, world-writable folder
            // (/tmp) is followed only when it is ours or the folder owner's.
            var folder = stat()
            if stat(FileSystem.folder(of: current), &folder) == 0, folder.st_mode & S_ISVTX != 0,
                folder.st_mode & S_IWOTH != 0, st.st_uid != geteuid(), st.st_uid != folder.st_uid
            {
                throw Diagnostic(
                    SaveMessage.cannotWrite(reason: "'\(current)' is a link another user owns in a shared folder"),
                    at: .path(path))
            }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : FileSystem.join(FileSystem.folder(of: current), link)
        }
        throw Diagnostic(SaveMessage.cannotWrite(reason: "too many levels of symbolic links"), at: .path(path))
    }

    /// The prefix of the temporary files of `name` written by process `pid`.
    static func temporaryPrefix(_ name: String, pid: Int32) -> String { ".\(name).crmq-\(pid)-" }

    /// How old a temporary file must be before another process may take it for stale.
    static let staleAfterSeconds = 600

    /// Removes temporary files in `folder` left by a crmq process that no longer runs
    /// (killed with SIGKILL, or the machine stopped). Names carry the writer's process id;
    /// a file whose writer is alive is left alone.
    static func removeStaleTemporaries(in folder: String) {
        guard let names = try? FileSystem.entries(of: folder) else { return }
        for name in names where name.hasPrefix(".") {
            // .NAME.crmq-PID-XXXXXX
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts[parts.count - 3].hasSuffix(".crmq"), parts[parts.count - 1].utf8.count == 6,
                let pid = Int32(parts[parts.count - 2]), pid > 0
            else { continue }
            let full = FileSystem.join(folder, name)
            // Also old and our own: a process id says nothing about a save running on
            // another machine (a network file system) or in another PID namespace.
            var st = stat()
            guard lstat(full, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid(),
                time(nil) - st.st_mtim.tv_sec > staleAfterSeconds
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(full) }
        }
    }

    /// Creates `prefix` + six random letters, exclusively and private (0600). The name is
    /// registered for removal on a fatal signal *before* the file exists, so there is no
    /// moment when a signal could leave it behind (mkstemp would create it first). A name
    /// that exists already carries this process's id, so it is this process's own or a
    /// stale one of a dead process with the same id: removing it on a signal harms no one.
    private static func createTemporary(_ prefix: String, for path: String) throws(Diagnostic) -> (Int32, String, Int32) {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for _ in 0..<100 {
            let name = prefix + String((0..<6).map { _ in letters.randomElement()! })
            let slot = crmq_temp_register(name)
            let fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { return (fd, name, slot) }
            let e = errno
            crmq_temp_unregister(slot)
            if e != EEXIST { throw Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(e)), at: .path(path)) }
        }
        throw Diagnostic(SaveMessage.cannotWrite(reason: "no free name for a temporary file"), at: .path(path))
    }

    /// Runs `body` to produce the file's content and replaces `path` with it.
    /// An error thrown by `body` is rethrown after cleaning up. A `cancellation` seen
    /// while writing stops the save with an error and leaves the old file whole.
    public static func replace(
        _ path: String, cancellation: CancellationFlag? = nil,
        with body: (inout AtomicFileWriter) throws(Diagnostic) -> Void
    ) throws(Diagnostic) {
        let target = try resolvedTarget(of: path)
        let folder = FileSystem.folder(of: target)
        switch FileSystem.kind(of: folder) {
        case .folder: break
        case .missing: throw Diagnostic(SaveMessage.folderMissing(folder), at: .path(path))
        default: throw Diagnostic(SaveMessage.cannotWrite(reason: "'\(folder)' is not a folder"), at: .path(path))
        }
        var existing = stat()
        let exists = stat(target, &existing) == 0
        if exists {
            switch existing.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw Diagnostic(SaveMessage.isFolder, at: .path(path))
            case S_IFIFO: throw Diagnostic(SaveMessage.notRegular(kind: "a FIFO (named pipe)"), at: .path(path))
            case S_IFCHR, S_IFBLK: throw Diagnostic(SaveMessage.notRegular(kind: "a device"), at: .path(path))
            case S_IFSOCK: throw Diagnostic(SaveMessage.notRegular(kind: "a socket"), at: .path(path))
            default: throw Diagnostic(SaveMessage.notRegular(kind: "a special file"), at: .path(path))
            }
        }
        removeStaleTemporaries(in: folder)

        let prefix = FileSystem.join(folder, temporaryPrefix(FileSystem.fileName(of: target), pid: getpid()))
        let (fd, tempPath, slot) = try createTemporary(prefix, for: path)
        defer { crmq_temp_unregister(slot) }
        var closed = false
        func fail(_ d: Diagnostic) -> Diagnostic {
            if !closed { close(fd) }
            unlink(tempPath)
            return d
        }

        var writer = AtomicFileWriter(fd: fd, cancellation: cancellation)
        do throws(Diagnostic) {
            try body(&writer)
        } catch {
            throw fail(error)
        }
        writer.flush()
        if writer.cancelled {
            throw fail(Diagnostic(SaveMessage.cancelled, at: .path(path)))
        }
        if writer.failure != 0 {
            throw fail(Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(writer.failure)), at: .path(path)))
        }
        if exists {
            // The file keeps what it was: its permission bits (a private 0600 file stays
            // private), and its owner and group where this process may set them.
            _ = fchown(fd, existing.st_uid, existing.st_gid)
            fchmod(fd, existing.st_mode & 0o7777)
        } else {
            // The temporary is created 0600; a new file gets the usual permissions (umask applies).
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let e = errno
            closed = true
            throw fail(Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(e)), at: .path(path)))
        }
        closed = true
        if cancellation?.isCancelled == true {
            throw fail(Diagnostic(SaveMessage.cancelled, at: .path(path)))
        }
        if rename(tempPath, target) != 0 {
            let e = errno
            throw fail(Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(e)), at: .path(path)))
        }
    }
}

// `write` is shadowed inside AtomicFileWriter by its own methods.
@inline(__always)
private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}
