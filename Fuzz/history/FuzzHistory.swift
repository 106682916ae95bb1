import CrmqSession

/// libFuzzer target `history` (scripts/fuzz): any bytes as the REPL's history file
/// (`HistoryFile.entries(in:)`), and as one entry. What is read must survive writing
/// and reading again unchanged, and any entry must read back as itself from its line.
/// The shell's own reader (`HistoryStore.entries(in:last:)`, which decodes only the newest
/// entries) must give the end of what `HistoryFile.entries(in:)` gives, for limits from 0
/// to past the number of entries.
/// Finding: a trap (a failed round trip included), a sanitizer report or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let entries = HistoryFile.entries(in: bytes) {
        let again = HistoryFile.entries(in: Array(HistoryFile.contents(entries).utf8))
        precondition(again.map { $0.map { Array($0.utf8) } } == entries.map { Array($0.utf8) }, "history round trip")
        for limit in [0, 1, 2, entries.count / 2, entries.count, entries.count + 1] {
            let (newest, isHistoryFile) = HistoryStore.entries(in: bytes, last: limit)
            precondition(isHistoryFile, "a history file not taken for one")
            precondition(newest.map { Array($0.utf8) } == entries.suffix(limit).map { Array($0.utf8) }, "the newest \(limit) entries")
        }
    } else {
        let limit = Int(bytes.first ?? 0) % 8
        let (newest, _) = HistoryStore.entries(in: bytes, last: limit)
        precondition(newest.count <= limit, "more entries than asked for")
    }
    let entry = String(decoding: bytes, as: UTF8.self)
    let line = HistoryFile.line(for: entry)
    precondition(!line.utf8.contains(UInt8(ascii: "\n")), "a line break inside an entry's line")
    precondition(Array(HistoryFile.decode(Array(line.utf8)).utf8) == Array(entry.utf8), "entry round trip")
    return 0
}
