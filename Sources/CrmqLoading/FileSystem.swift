#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CrmqDiagnostics

// Plain POSIX calls rather than Foundation: the whole file mapped (or read into one
// array), and errno for exact error messages.

/// What a path names on disk.
enum PathKind {
    case missing, file, folder, other
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

    private static func openForReading(_ path: String) throws(Diagnostic) -> Int32 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw Diagnostic(LoadMessage.notFound, at: .path(path)) }
            throw Diagnostic(LoadMessage.cannotRead(reason: errorText(e)), at: .path(path))
        }
        return fd
    }

    /// Everything left to read from an open file (`path` names it in errors).
    private static func readAll(_ fd: Int32, path: String) throws(Diagnostic) -> [UInt8] {
        var st = stat()
        let size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
        // One byte more than the size, so that a file read whole leaves room for the read
        // that returns 0 (a full buffer would otherwise double before it).
        var bytes = [UInt8](repeating: 0, count: max(size + 1, 1 << 16))
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { buf in
                read(fd, buf.baseAddress! + filled, buf.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic(LoadMessage.cannotRead(reason: errorText(errno)), at: .path(path))
            }
            if n == 0 { break }
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
        of path: String, _ body: (UnsafeBufferPointer<UInt8>, _ mapped: Bool) throws(Diagnostic) -> T
    ) throws(Diagnostic) -> T {
        let fd = try openForReading(path)
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFREG ? Int(st.st_size) : 0
        // MAP_POPULATE maps every page up front, in one call, instead of a fault per page.
        let mapped = size > 0 ? mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : MAP_FAILED
        guard let base = mapped, base != MAP_FAILED else {
            // Read from the descriptor already open: opening a named pipe again could wait
            // forever for a writer that has already gone.
            let bytes = try readAll(fd, path: path)
            let result: Result<T, Diagnostic> = bytes.withUnsafeBufferPointer { p in
                Result { () throws(Diagnostic) -> T in try body(p, false) }
            }
            return try result.get()
        }
        defer { munmap(base, size) }
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size), true)
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

/// Writes a file so that readers see either the old file whole or the new one whole:
/// the bytes go to a temporary file in the same folder, which is then renamed over the
/// target. On any failure the temporary is removed and the old file is untouched.
public struct AtomicFileWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var failure: Int32 = 0

    private init(fd: Int32) {
        self.fd = fd
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
        guard failure == 0 else { buffer.removeAll(keepingCapacity: true); return }
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

    /// Runs `body` to produce the file's content and replaces `path` with it.
    /// An error thrown by `body` is rethrown after cleaning up.
    public static func replace(
        _ path: String, with body: (inout AtomicFileWriter) throws(Diagnostic) -> Void
    ) throws(Diagnostic) {
        let folder = FileSystem.folder(of: path)
        switch FileSystem.kind(of: folder) {
        case .folder: break
        case .missing: throw Diagnostic(SaveMessage.folderMissing(folder), at: .path(path))
        default: throw Diagnostic(SaveMessage.cannotWrite(reason: "'\(folder)' is not a folder"), at: .path(path))
        }
        if FileSystem.kind(of: path) == .folder { throw Diagnostic(SaveMessage.isFolder, at: .path(path)) }

        var template = Array(FileSystem.join(folder, ".\(FileSystem.fileName(of: path)).crmq-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(errno)), at: .path(path)) }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var closed = false
        func fail(_ d: Diagnostic) -> Diagnostic {
            if !closed { close(fd) }
            unlink(tempPath)
            return d
        }

        var writer = AtomicFileWriter(fd: fd)
        do {
            try body(&writer)
        } catch {
            throw fail(error)
        }
        writer.flush()
        if writer.failure != 0 {
            throw fail(Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(writer.failure)), at: .path(path)))
        }
        // mkstemp creates 0600; a saved result should have the usual permissions (umask applies).
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        if fsync(fd) != 0 || close(fd) != 0 {
            let e = errno
            closed = true
            throw fail(Diagnostic(SaveMessage.cannotWrite(reason: FileSystem.errorText(e)), at: .path(path)))
        }
        closed = true
        if rename(tempPath, path) != 0 {
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
