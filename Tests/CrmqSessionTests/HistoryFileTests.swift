import Testing
@testable import CrmqSession

/// The REPL's history file in libedit's format (`HistoryFile`). The expected bytes are
/// what libedit 3.1 (Debian's libedit2) wrote with `history(H_SAVE)` for the same entries.
@Suite struct HistoryFileTests {
    static let entries = ["a b\\c\td\ne", "café \u{01}\u{7F} \"q\" -- x", ""]
    /// Written by libedit in a UTF-8 locale.
    static let utf8Locale = "_HiStOrY_V2_\na\\040b\\134c\\011d\\012e\ncafé\\040\\^A\\^?\\040\"q\"\\040--\\040x\n\n"
    /// Written by libedit in the C locale: bytes above 0x7F as \M-x.
    static let cLocale = "_HiStOrY_V2_\na\\040b\\134c\\011d\\012e\ncaf\\M-C\\M-)\\040\\^A\\^?\\040\"q\"\\040--\\040x\n\n"

    @Test func readsWhatLibeditWritesInEitherLocale() {
        #expect(HistoryFile.entries(in: Array(Self.utf8Locale.utf8)) == Self.entries)
        #expect(HistoryFile.entries(in: Array(Self.cLocale.utf8)) == Self.entries)
    }

    @Test func writesWhatLibeditWrites() {
        #expect(HistoryFile.contents(Self.entries) == Self.utf8Locale)
    }

    @Test func aFileWithoutTheCookieIsNotAHistoryFile() {
        #expect(HistoryFile.entries(in: []) == nil)
        #expect(HistoryFile.entries(in: Array("customers | count\n".utf8)) == nil)
        #expect(HistoryFile.entries(in: Array("_HiStOrY_V2_x\n".utf8)) == nil)
        #expect(HistoryFile.entries(in: Array("_HiStOrY_V2_\n".utf8)) == [])
        #expect(HistoryFile.entries(in: Array("_HiStOrY_V2_".utf8)) == [])
        // The last entry may lack its line break.
        #expect(HistoryFile.entries(in: Array("_HiStOrY_V2_\na\nb".utf8)) == ["a", "b"])
    }

    @Test func decodesEveryEscapeStrunvisKnowsAndKeepsTheRestAsWritten() {
        #expect(HistoryFile.decode(Array("\\^A\\M^B\\M-x".utf8)).unicodeScalars.map(\.value) == [1, 0xFFFD, 0xFFFD])
        #expect(HistoryFile.decode(Array("\\s\\n\\t\\\\\\$x".utf8)) == " \n\t\\x")
        #expect(HistoryFile.decode(Array("\\1\\12\\0123".utf8)) == "\u{01}\n\n3")
        // Not escapes: a backslash before another character, or at the end; an octal
        // value past 255 keeps its low byte (0xFF, not UTF-8).
        #expect(HistoryFile.decode(Array("\\q\\".utf8)) == "\\q\\")
        #expect(HistoryFile.decode(Array("\\M".utf8)) == "\\M")
        #expect(HistoryFile.decode(Array("\\777".utf8)) == "\u{FFFD}")
    }

    @Test func everyEntryReadsBackAsItself() {
        let awkward = ["", " ", "\\", "\\040", "\n\n", "\t|\r", "\u{0}", "\u{7F}\u{80}\u{FFFD}", "--  comment", "😀 é ü"]
        for entry in awkward {
            let line = HistoryFile.line(for: entry)
            #expect(!line.contains("\n") && !line.contains(" "))
            #expect(HistoryFile.decode(Array(line.utf8)) == entry)
        }
        #expect(HistoryFile.entries(in: Array(HistoryFile.contents(awkward).utf8)) == awkward)
    }
}
