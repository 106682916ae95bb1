import Foundation
import CrmqSyntax

/// Reads one statement from the terminal: a prompt, then continuation prompts while the
/// statement is unfinished (open brackets, a trailing '|'). A plain line reader; the
/// libedit editor replaces it.
enum LineReader {
    static let prompt = "crmq> "
    static let continuation = "  ...> "

    /// The statement's text, or nil at end of input.
    static func readStatement() -> String? {
        var text = ""
        var first = true
        while true {
            FileHandle.standardOutput.write(Data((first ? prompt : continuation).utf8))
            guard let line = readLine(strippingNewline: true) else {
                return text.isEmpty ? nil : text
            }
            text += (first ? "" : "\n") + line
            first = false
            if Lexer.isComplete(text) { return text }
        }
    }
}
