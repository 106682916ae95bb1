import CrmqSession

/// libFuzzer target `history` (scripts/fuzz): any bytes as the REPL's history file
/// (`HistoryFile.entries(in:)`), and as one entry. What is read must survive writing
/// and reading again unchanged, and any entry must read back as itself from its line.
/// Finding: a trap (a failed round trip included), a sanitizer report or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let entries = HistoryFile.entries(in: bytes) {
        let again = HistoryFile.entries(in: Array(HistoryFile.contents(entries).utf8))
        precondition(again.map { $0.map { Array($0.utf8) } } == entries.map { Array($0.utf8) }, "history round trip")
    }
    let entry = String(decoding: bytes, as: UTF8.self)
    let line = HistoryFile.line(for: entry)
    precondition(!line.utf8.contains(UInt8(ascii: "\n")), "a line break inside an entry's line")
    precondition(Array(HistoryFile.decode(Array(line.utf8)).utf8) == Array(entry.utf8), "entry round trip")
    return 0
}
