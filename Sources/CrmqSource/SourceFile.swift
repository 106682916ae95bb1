/// A byte range `[start, end)` in one source text. Tokens and syntax nodes carry
/// ranges; line and column are computed only when a diagnostic is rendered.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// An empty range at `offset`, for "expected X here" messages.
    public static func at(_ offset: Int) -> SourceRange { SourceRange(offset, offset) }

    public var isEmpty: Bool { start == end }
    public var length: Int { end - start }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}

/// A line and column, both 1-based; the column counts Unicode characters, not bytes.
public struct LineColumn: Hashable, Sendable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One named source text (a script file, a REPL entry, a `-c` argument) with its line table.
/// A class so that diagnostics and syntax trees can share it without copying the text.
public final class SourceFile: Sendable {
    /// The name shown in diagnostics: a path, `<repl>`, `<command>` or `<stdin>`.
    public let name: String
    public let text: String
    /// The text as UTF-8 bytes; every `SourceRange` indexes this.
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line.
    public let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    /// The 0-based index of the line holding `offset`.
    public func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Line and column of a byte offset; the column counts characters.
    public func lineColumn(of offset: Int) -> LineColumn {
        let clamped = Swift.max(0, Swift.min(offset, bytes.count))
        let line = lineIndex(of: clamped)
        let start = lineStarts[line]
        let prefix = String(decoding: bytes[start..<clamped], as: UTF8.self)
        return LineColumn(line: line + 1, column: prefix.count + 1)
    }

    /// The text of a 1-based line, without its line terminator.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<Swift.max(start, end)], as: UTF8.self)
    }

    /// The source text a range covers.
    public func text(of range: SourceRange) -> String {
        let s = Swift.max(0, Swift.min(range.start, bytes.count))
        let e = Swift.max(s, Swift.min(range.end, bytes.count))
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }
}
