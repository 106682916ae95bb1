import CLibEdit
import Foundation
import CrmqSession

/// The REPL's line editor on libedit's native API (histedit.h): emacs keys by default,
/// `~/.editrc` honoured (vi mode with `bind -v`), history kept in a file shared with other
/// shells, each entry appended as it is made (`HistoryStore`), Tab completion from the session. The only file that imports
/// libedit.
final class EditLineEditor: LineEditor {
    private var editLine: OpaquePointer?
    private var history: OpaquePointer?
    /// The prompt libedit draws, owned here (libedit keeps the pointer it is given).
    private var promptText: UnsafeMutablePointer<CChar>?
    private var currentPrompt = ""
    /// The history file shared with other shells; nil for history in memory only.
    private let historyStore: HistoryStore?
    /// The last `history_size` given, for the entries left to write at the end.
    private var historyLimit = Settings.defaultHistorySize
    private var warnedAboutHistory = false
    var completionSource: ((String) -> (text: String, completion: Completion))?
    /// Bytes to hand libedit before reading the terminal again: a bracketed paste's text,
    /// or the bytes read after an Escape that did not start a paste.
    private var queued: [UInt8] = []
    private var queuedAt = 0
    /// Whether `queued` holds a paste.
    private var queuedIsPaste = false
    /// Whether the last byte handed to libedit came from a paste: a Tab there is text,
    /// not completion.
    private var readingPaste = false
    /// Whether the terminal was asked for bracketed paste (to ask it to stop at the end).
    private var bracketedPaste = false

    /// nil when libedit cannot start (no usable terminal).
    /// `historyPath`: the history file, nil for history in memory only.
    init?(historyPath: String?) {
        historyStore = historyPath.map(HistoryStore.init(path:))
        // Before el_init, so libedit reads and edits UTF-8 as characters.
        setlocale(LC_CTYPE, "")
        guard let el = crmq_el_init("crmq") else { return nil }
        guard let h = history_init() else {
            el_end(el)
            return nil
        }
        editLine = el
        history = h
        // Until loadHistory applies history_size.
        crmq_history_setsize(h, Int32(Settings.defaultHistorySize))
        crmq_history_setunique(h, 1)
        crmq_el_set_history(el, h)
        crmq_el_set_editor(el, "emacs")
        crmq_el_set_signal(el, 1)
        // A paste's CR LF then arrives as sent, and pastedText makes it one line end; the
        // terminal's ICRNL would have made it two, a blank line that ends an open bracket.
        _ = crmq_el_keep_carriage_returns(el)
        crmq_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        crmq_el_set_prompt(el, promptFunction)
        crmq_el_set_getcfn(el, characterReader)
        // ~/.editrc (or $EDITRC): key bindings, `bind -v` for vi mode.
        el_source(el, nil)
        // After .editrc, so Tab completes in vi mode too. Bind only a function that was
        // added: binding a key to an unknown name corrupts libedit's memory.
        if crmq_el_addfn(el, "crmq-complete", "complete the word at the cursor", completeFunction) == 0 {
            crmq_el_bind(el, "^I", "crmq-complete")
        }
        // The terminal then marks a paste (ESC [200~ ... ESC [201~), which is read whole and
        // given to libedit as typed, with no completion on its Tabs (`readPaste`).
        if isatty(1) != 0, ProcessInfo.processInfo.environment["TERM"] != "dumb" {
            bracketedPaste = true
            BracketedPaste.install()
        }
    }

    deinit { close() }

    func close() {
        if bracketedPaste {
            bracketedPaste = false
            BracketedPaste.uninstall()
        }
        if let problem = historyStore?.flush(limit: historyLimit) { warn(problem) }
        if let el = editLine { el_end(el) }  // restores the terminal
        if let h = history { history_end(h) }
        editLine = nil
        history = nil
        free(promptText)
        promptText = nil
    }

    // MARK: - Reading

    func readLine(prompt: String) -> LineInput {
        guard let el = editLine else { return .endOfInput }
        setPrompt(prompt)
        Interrupt.clearPending()
        // Editing mode before the prompt is drawn (el_gets draws it first and switches at
        // its first read), so keys typed as soon as the prompt shows reach libedit as
        // keys, not through the terminal's own line editing (where Ctrl-D and Backspace
        // would act, or vanish, before libedit sees them).
        crmq_el_prep_term(el, 1)
        var count: Int32 = 0
        var error: Int32 = 0
        guard let line = crmq_el_gets(el, &count, &error) else {
            if count == -1 && (error == crmq_errno_eintr() || Interrupt.isPending) {
                // Ctrl-C while typing: drop the line, fresh prompt.
                crmq_write_stdout("^C\n")
                el_reset(el)
                return .interrupted
            }
            // Count 0: Ctrl-D on an empty line. Any other failure: the terminal is gone.
            return .endOfInput
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    var hasPendingInput: Bool {
        if queuedAt < queued.count { return true }
        guard let el = editLine else { return false }
        // In editing mode a byte waiting counts; in the terminal's line mode only a whole line.
        crmq_el_prep_term(el, 1)
        defer { crmq_el_prep_term(el, 0) }
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0 && fd.revents & Int16(POLLIN) != 0
    }

    /// One character for libedit, decoded in the locale's encoding: from the queue, else
    /// from standard input; -1 with errno EINTR as soon as Ctrl-C is pressed (libedit's own
    /// reader retries the first interrupted read), so el_gets returns at once.
    fileprivate func readCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        character.pointee = 0
        var bytes = [CChar](repeating: 0, count: Int(MB_LEN_MAX))
        var count = 0
        while true {
            let byte: UInt8
            switch nextByte() {
            case .byte(let b): byte = b
            case .end, .timedOut: return 0
            case .failed(let code):
                errno = code
                return -1
            }
            bytes[count] = CChar(bitPattern: byte)
            count += 1
            var state = mbstate_t()
            let r = bytes.withUnsafeBufferPointer { mbrtowc(character, $0.baseAddress, count, &state) }
            if r == -2 {  // size_t is Int in Swift: (size_t)-2
                // Incomplete: read another byte.
                if count >= bytes.count {
                    errno = EILSEQ
                    return -1
                }
            } else if r == -1 {
                // Invalid: drop what was read (libedit does the same, near enough).
                count = 0
            } else {
                return 1
            }
        }
    }

    /// What reading one byte came to.
    private enum ByteRead: Equatable {
        case byte(UInt8)
        case end
        /// Nothing came within the time allowed.
        case timedOut
        /// With the errno to report (EINTR for Ctrl-C).
        case failed(Int32)
    }

    /// The next byte for libedit: queued ones first, then the terminal's. An Escape from
    /// the terminal may start a bracketed paste, which is read whole and queued.
    private func nextByte() -> ByteRead {
        if Interrupt.isPending {
            // Ctrl-C drops the rest of a paste too.
            queued = []
            queuedAt = 0
            return .failed(EINTR)
        }
        if queuedAt < queued.count {
            let byte = queued[queuedAt]
            queuedAt += 1
            readingPaste = queuedIsPaste
            if queuedAt == queued.count {
                queued = []
                queuedAt = 0
            }
            return .byte(byte)
        }
        readingPaste = false
        let read = Self.readTerminalByte(timeout: -1)
        guard read == .byte(0x1B) else { return read }
        // An Escape: the start of a paste, or of a key's sequence (an arrow's ESC [ A), or
        // Escape alone (vi mode). The bytes of a sequence arrive together.
        let start = Array("[200~".utf8)
        var seen: [UInt8] = []
        while seen.count < start.count, case .byte(let b) = Self.readTerminalByte(timeout: 50) {
            seen.append(b)
            if b != start[seen.count - 1] { break }
        }
        if seen == start {
            readPaste()
            return nextByte()
        }
        queued = seen
        queuedAt = 0
        queuedIsPaste = false
        return .byte(0x1B)
    }

    /// Reads a bracketed paste up to its end (ESC [201~) and queues its text for libedit as
    /// if typed, so it is shown and read line by line like typed lines; the REPL reads on
    /// while any of it is left, so the paste runs as a whole. Line ends become `\n`; other
    /// control characters are dropped (a pasted Ctrl-D must not end the shell).
    private func readPaste() {
        let end = Array("\u{1B}[201~".utf8)
        var text: [UInt8] = []
        while case .byte(let b) = Self.readTerminalByte(timeout: -1) {
            text.append(b)
            if text.count >= end.count, text.suffix(end.count).elementsEqual(end) {
                text.removeLast(end.count)
                break
            }
        }
        queued = Self.pastedText(text)
        queuedAt = 0
        queuedIsPaste = true
    }

    /// A paste's bytes as libedit should get them: CR LF and CR as LF, Tab kept, other
    /// control characters dropped.
    static func pastedText(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            } else if b == 0x0A || b == 0x09 || (b >= 0x20 && b != 0x7F) {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    /// One byte from standard input, waiting at most `timeout` ms (-1: no limit); fails
    /// with EINTR as soon as Ctrl-C is pressed.
    private static func readTerminalByte(timeout: Int32) -> ByteRead {
        while true {
            if Interrupt.isPending { return .failed(EINTR) }
            var fds = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                pollfd(fd: Interrupt.wakeUp.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, Interrupt.wakeUp.read >= 0 ? 2 : 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }  // Ctrl-C is checked above; SIGWINCH, SIGCONT: go on
                return .failed(errno)
            }
            if ready == 0 { return .timedOut }
            if fds[0].revents == 0 { continue }  // the wake-up pipe: Ctrl-C, checked above
            var byte: UInt8 = 0
            let n = read(0, &byte, 1)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failed(errno)
            }
            if n == 0 { return .end }
            return .byte(byte)
        }
    }

    private func setPrompt(_ prompt: String) {
        guard prompt != currentPrompt || promptText == nil else { return }
        free(promptText)
        promptText = strdup(prompt)
        currentPrompt = prompt
    }

    fileprivate var prompt: UnsafeMutablePointer<CChar>? { promptText }

    // MARK: - Completion

    fileprivate func complete() -> UInt8 {
        guard let el = editLine, let info = el_line(el)?.pointee,
            let buffer = info.buffer, let cursor = info.cursor, let source = completionSource
        else { return UInt8(CC_ERROR) }
        if readingPaste {
            // A pasted Tab is text.
            return el_insertstr(el, "\t") == 0 ? UInt8(CC_REFRESH) : UInt8(CC_ERROR)
        }
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: cursor - buffer), as: UTF8.self)
        let (text, completion) = source(line)
        switch CompletionPlan.decide(text: text, completion: completion) {
        case .none:
            return UInt8(CC_ERROR)
        case .replace(let delete, let insert):
            if delete > 0 { el_deletestr(el, Int32(delete)) }
            if !insert.isEmpty, el_insertstr(el, insert) != 0 { return UInt8(CC_ERROR) }
            return UInt8(CC_REFRESH)
        case .list(let items):
            crmq_write_stdout("\n" + CompletionPlan.columns(items, width: Terminal.width() ?? 80))
            return UInt8(CC_REDISPLAY)
        }
    }

    // MARK: - History

    func loadHistory(keeping limit: Int) {
        guard let h = history else { return }
        historyLimit = limit
        crmq_history_setsize(h, Int32(clamping: limit))
        guard let store = historyStore else { return }
        let (entries, problem) = store.load(limit: limit)
        for entry in entries { crmq_history_enter(h, entry) }
        if let problem { warn(problem) }
    }

    func addHistory(_ entry: String, keeping limit: Int) {
        guard let h = history else { return }
        historyLimit = limit
        crmq_history_setsize(h, Int32(clamping: limit))
        // The same as the entry before it: libedit keeps one (H_SETUNIQUE), and so does the file.
        if let newest = crmq_history_step(h, H_FIRST), String(cString: newest) == entry { return }
        crmq_history_enter(h, entry)
        if let problem = historyStore?.append(entry, limit: limit) { warn(problem) }
    }

    var historyEntries: [String] {
        guard let h = history else { return [] }
        // H_LAST is the oldest entry; H_PREV moves towards the newest.
        var entries: [String] = []
        var entry = crmq_history_step(h, H_LAST)
        while let e = entry {
            entries.append(String(cString: e))
            entry = crmq_history_step(h, H_PREV)
        }
        return entries
    }

    private func warn(_ message: String) {
        guard !warnedAboutHistory else { return }
        warnedAboutHistory = true
        FileHandle.standardError.write(Data("crmq: \(message)\n".utf8))
    }

    fileprivate static func from(_ el: OpaquePointer?) -> EditLineEditor? {
        guard let el, let data = crmq_el_get_clientdata(el) else { return nil }
        return Unmanaged<EditLineEditor>.fromOpaque(data).takeUnretainedValue()
    }
}

/// libedit's prompt callback: the editor's current prompt.
private let promptFunction: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>? = { el in
    EditLineEditor.from(el)?.prompt
}

/// libedit's character reader, replaced by the editor's (`EditLineEditor.readCharacter`).
private let characterReader: @convention(c) (OpaquePointer?, UnsafeMutablePointer<wchar_t>?) -> Int32 = { el, character in
    guard let character, let editor = EditLineEditor.from(el) else { return -1 }
    return editor.readCharacter(into: character)
}

/// The `crmq-complete` editor function, bound to Tab.
private let completeFunction: @convention(c) (OpaquePointer?, Int32) -> UInt8 = { el, _ in
    EditLineEditor.from(el)?.complete() ?? UInt8(CC_ERROR)
}
