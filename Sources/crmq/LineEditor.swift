import Foundation
import CrmqSession

/// What reading one line from the terminal came to.
enum LineInput: Equatable {
    /// A line, without its line end (a recalled multi-line entry keeps its inner newlines).
    case line(String)
    /// Ctrl-C while typing: the editor has discarded the line and shown `^C`.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// The REPL's line editor: libedit (`EditLineEditor`, the only file that imports it), or
/// the plain reader when libedit cannot start on this terminal.
protocol LineEditor: AnyObject {
    /// Reads one line after `prompt`.
    func readLine(prompt: String) -> LineInput
    /// Whether more input is already waiting to be read: the rest of a paste, lines typed
    /// ahead. The REPL reads on before running a statement that looks complete.
    var hasPendingInput: Bool { get }
    /// Loads the newest `limit` entries of the history file, before the first prompt.
    func loadHistory(keeping limit: Int)
    /// Records a whole statement (several lines for a multi-line one) as one history
    /// entry, appending it to the history file at once; keeps the newest `limit` entries.
    func addHistory(_ entry: String, keeping limit: Int)
    /// The history entries, oldest first (those loaded from the file included).
    var historyEntries: [String] { get }
    /// Tab: given the current line up to the cursor, the whole statement text up to the
    /// cursor (earlier lines included) and what the session offers there.
    var completionSource: ((_ lineBeforeCursor: String) -> (text: String, completion: Completion))? { get set }
    /// Restores the terminal and releases the editor; safe to call twice.
    func close()
}

/// Reads plain lines from standard input with a prompt: the fallback when libedit cannot
/// start. No editing, history in memory only, no completion.
final class PlainLineEditor: LineEditor {
    private(set) var historyEntries: [String] = []
    var completionSource: ((String) -> (text: String, completion: Completion))?

    func readLine(prompt: String) -> LineInput {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }

    /// Unknown: standard input is read through stdio's buffer.
    var hasPendingInput: Bool { false }

    func loadHistory(keeping limit: Int) {}

    func addHistory(_ entry: String, keeping limit: Int) {
        if historyEntries.last != entry { historyEntries.append(entry) }
        if historyEntries.count > limit { historyEntries.removeFirst(historyEntries.count - max(limit, 1)) }
    }

    func close() {}
}

/// What Tab does with a session's completion: the decision, apart from libedit.
enum CompletionPlan: Equatable {
    /// Delete `delete` characters before the cursor, then insert `insert`.
    case replace(delete: Int, insert: String)
    /// Show these below the prompt.
    case list([String])
    /// Nothing to offer: beep.
    case none

    /// `text` is the statement up to the cursor; `completion` what the session offers.
    /// One candidate: complete it, with a space after it unless it ends in `(` or `/`.
    /// Several: their longest common prefix if it is longer than the word; else list them.
    static func decide(text: String, completion: Completion) -> CompletionPlan {
        let bytes = Array(text.utf8)
        let start = max(0, min(completion.start, bytes.count))
        let end = max(start, min(completion.end, bytes.count))
        // Anything between the word's end and the cursor is replaced too.
        let word = String(decoding: bytes[start..<bytes.count], as: UTF8.self)
        let typed = String(decoding: bytes[start..<end], as: UTF8.self)
        let candidates = completion.candidates
        switch candidates.count {
        case 0:
            return .none
        case 1:
            let c = candidates[0]
            let suffix = c.hasSuffix("(") || c.hasSuffix("/") ? "" : " "
            return replacing(word, typed: typed, with: c + suffix)
        default:
            let prefix = longestCommonPrefix(candidates)
            if prefix.count > typed.count {
                return replacing(word, typed: typed, with: prefix)
            }
            return .list(candidates)
        }
    }

    /// The smallest edit turning `word` into `replacement`: keep what already matches.
    private static func replacing(_ word: String, typed: String, with replacement: String) -> CompletionPlan {
        if word == typed, replacement.hasPrefix(word) {
            return .replace(delete: 0, insert: String(replacement.dropFirst(word.count)))
        }
        // libedit counts characters as Unicode scalars (wide characters).
        return .replace(delete: word.unicodeScalars.count, insert: replacement)
    }

    static func longestCommonPrefix(_ items: [String]) -> String {
        guard var prefix = items.first.map(Array.init) else { return "" }
        for item in items.dropFirst() {
            let chars = Array(item)
            var n = 0
            while n < prefix.count, n < chars.count, prefix[n] == chars[n] { n += 1 }
            prefix.removeSubrange(n...)
        }
        return String(prefix)
    }

    /// Candidates in columns, down then across (as `ls` does), fitting `width`.
    static func columns(_ items: [String], width: Int) -> String {
        guard !items.isEmpty else { return "" }
        let cell = (items.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        let rows = (items.count + perRow - 1) / perRow
        var out = ""
        for r in 0..<rows {
            var line = ""
            for c in 0..<perRow {
                let i = c * rows + r
                guard i < items.count else { break }
                let item = items[i]
                let last = (c + 1) * rows + r >= items.count
                line += last ? item : item + String(repeating: " ", count: cell - item.count)
            }
            out += line + "\n"
        }
        return out
    }
}
