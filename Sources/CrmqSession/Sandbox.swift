import Foundation

/// Safe mode (`--safe`, `CRMQ_SAFE=1`, `set safe = true`; docs/safety.md): what a script
/// someone else wrote may touch. It reads files only inside `readFolders` and writes only
/// the files in `writeFiles` (the `--output` named on the command line). Paths are compared
/// after resolving symbolic links and `..`, so a link inside an allowed folder that points
/// out of it is refused like the path it points at.
public struct Sandbox: Sendable, Equatable {
    /// Canonical paths (`realpath`) of the folders files may be read from.
    public private(set) var readFolders: [String]
    /// Canonical paths of the files that may be written.
    public private(set) var writeFiles: [String]

    /// Folders and files as given; those that cannot be resolved are left out (a folder
    /// that does not exist allows nothing).
    public init(readFolders: [String], writeFiles: [String] = []) {
        var folders: [String] = []
        for f in readFolders {
            if let c = Self.canonical(f), !folders.contains(c) { folders.append(c) }
        }
        self.readFolders = folders
        self.writeFiles = writeFiles.compactMap(Self.canonical)
    }

    /// Whether the file or folder at `path` lies inside an allowed folder (or is one),
    /// and is not hidden there: no part of its path below the folder starts with `.`, so a
    /// script in a home folder cannot reach `.ssh/id_rsa` or `.netrc` beside it.
    public func mayRead(_ path: String) -> Bool {
        guard let c = Self.canonical(path) else { return false }
        return readFolders.contains { folder in
            guard Self.isInside(c, folder) else { return false }
            let below = c.dropFirst(folder == "/" ? 1 : folder.count + 1)
            return !below.split(separator: "/").contains { $0.hasPrefix(".") }
        }
    }

    /// Whether `path` is one of the files that may be written.
    public func mayWrite(_ path: String) -> Bool {
        guard let c = Self.canonical(path) else { return false }
        return writeFiles.contains(c)
    }

    /// `path` with symbolic links, `.` and `..` resolved. A path that does not exist (yet)
    /// resolves through its folder, which must exist; nil when that cannot be resolved either.
    public static func canonical(_ path: String) -> String? {
        guard !path.isEmpty else { return nil }
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", name != "/" else { return nil }
        let parent = url.deletingLastPathComponent().path
        guard parent != path, let folder = realpath(parent, nil) else { return nil }
        defer { free(folder) }
        let f = String(cString: folder)
        return (f.hasSuffix("/") ? f : f + "/") + name
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        if path == folder || folder == "/" { return true }
        return path.hasPrefix(folder + "/")
    }

    /// The folder a script file is in, as given (not through a link the file itself is):
    /// the folder the user pointed at.
    public static func folder(ofScript path: String) -> String {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return parent.isEmpty ? "." : parent
    }

    /// The allowed folders for a message: "/data and /scripts".
    var foldersText: String {
        switch readFolders.count {
        case 0: "no folder"
        case 1: readFolders[0]
        default: readFolders.dropLast().joined(separator: ", ") + " and " + readFolders.last!
        }
    }
}
