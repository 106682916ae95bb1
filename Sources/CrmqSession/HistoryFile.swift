/// The REPL's history file, in the format libedit's `history(H_SAVE)` writes and
/// `history(H_LOAD)` reads, so a file written either way reads back either way:
///
///     _HiStOrY_V2_
///     customers\040|\040count
///     let\040x\040=\0401\012|\040take\0405
///
/// The first line is the cookie `_HiStOrY_V2_`; then one entry per line, oldest first,
/// each encoded with `strvis(VIS_WHITE)`: space, tab, line break and backslash as three
/// octal digits (`\040`, `\011`, `\012`, `\134`), other control characters as `\^X`
/// (`\^?` for DEL); in the C locale libedit also writes bytes above 0x7F as `\M-x`
/// (`\M^X` for a control character with the high bit), in a UTF-8 locale as they are.
///
/// Reading is total: any bytes give entries, never an error or a trap. Escapes that
/// `strunvis` knows are decoded (also the C-style `\n`, `\t`, `\s`, ..., and `\\`);
/// anything else is kept as written, and bytes that are not UTF-8 become U+FFFD.
/// `line(for:)` and `entries(in:)` round-trip every string (tested, and fuzzed by
/// `scripts/fuzz history`).
public enum HistoryFile {
    /// The first line of a history file.
    public static let cookie = "_HiStOrY_V2_"

    /// The entries of a history file, oldest first; nil when its first line is not the
    /// cookie (not a history file crmq may rewrite). The line break after the last entry
    /// ends it; it does not start an empty entry.
    public static func entries(in bytes: [UInt8]) -> [String]? {
        var lines = bytes.split(separator: lineFeed, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, first.elementsEqual(cookie.utf8) else { return nil }
        return lines.dropFirst().map { decode($0) }
    }

    /// The whole text of a history file holding `entries`, oldest first.
    public static func contents(_ entries: [String]) -> String {
        ([cookie] + entries.map(line(for:))).map { $0 + "\n" }.joined()
    }

    /// One entry as its line of the file, without the line break: as libedit's
    /// `strvis(VIS_WHITE)` writes it in a UTF-8 locale.
    public static func line(for entry: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(entry.utf8.count)
        for b in entry.utf8 {
            switch b {
            case space, tab, lineFeed, backslash:
                out += [backslash, 0x30 + (b >> 6), 0x30 + ((b >> 3) & 7), 0x30 + (b & 7)]
            case 0x00..<0x20:
                out += [backslash, caret, b + 0x40]
            case 0x7F:
                out += [backslash, caret, UInt8(ascii: "?")]
            default:
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One line of the file (without its line break) as the entry it encodes.
    public static func decode(_ line: some Collection<UInt8>) -> String {
        let b = Array(line)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            guard b[i] == backslash, i + 1 < b.count else {
                out.append(b[i])
                i += 1
                continue
            }
            let c = b[i + 1]
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                // Up to three octal digits; like strunvis, a value past 255 keeps its low byte.
                var value = 0
                var j = i + 1
                while j < b.count, j < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(b[j]) {
                    value = value * 8 + Int(b[j] - UInt8(ascii: "0"))
                    j += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
                i = j
            case caret where i + 2 < b.count:
                out.append(control(b[i + 2]))
                i += 3
            case UInt8(ascii: "M") where i + 3 < b.count && b[i + 2] == UInt8(ascii: "-"):
                out.append(b[i + 3] | 0x80)
                i += 4
            case UInt8(ascii: "M") where i + 3 < b.count && b[i + 2] == caret:
                out.append(control(b[i + 3]) | 0x80)
                i += 4
            case UInt8(ascii: "$"):
                // strvis's marker of a hidden character: stands for nothing.
                i += 2
            default:
                if let simple = cEscapes[c] {
                    out.append(simple)
                    i += 2
                } else {
                    // Not an escape: the backslash stands for itself.
                    out.append(backslash)
                    i += 1
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let backslash = UInt8(ascii: "\\")
    private static let caret = UInt8(ascii: "^")

    /// `\^X`: X's control character; `\^?` is DEL.
    private static func control(_ c: UInt8) -> UInt8 { c == UInt8(ascii: "?") ? 0x7F : c & 0x1F }

    /// The one-character escapes strunvis decodes.
    private static let cEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D,
        UInt8(ascii: "b"): 0x08, UInt8(ascii: "a"): 0x07, UInt8(ascii: "v"): 0x0B, UInt8(ascii: "t"): 0x09,
        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "s"): 0x20, UInt8(ascii: "E"): 0x1B, UInt8(ascii: "e"): 0x1B,
    ]
}
