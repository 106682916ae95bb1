import Foundation
import CCrmqSystem

/// The terminal's bracketed paste mode: asked for while the shell runs, so a paste reaches
/// the line editor between ESC [200~ and ESC [201~ and is read whole. Turned off at exit
/// and while the shell is suspended (Ctrl-Z), on again when it is resumed, so the shell
/// that suspended it never gets the markers, and off when SIGTERM or SIGHUP ends it.
enum BracketedPaste {
    private static let on: StaticString = "\u{1B}[?2004h"
    private static let off: StaticString = "\u{1B}[?2004l"

    static func install() {
        // SIGTERM or SIGHUP ends the shell without its own clean-up: the handler that
        // removes temporary files writes "off" too.
        crmq_set_exit_text("\u{1B}[?2004l")
        crmq_install_fatal_signal_cleanup()
        write(on)
        setHandler(SIGTSTP, suspend)
        setHandler(SIGCONT, resume)
    }

    static func uninstall() {
        signal(SIGTSTP, SIG_DFL)
        signal(SIGCONT, SIG_DFL)
        crmq_set_exit_text(nil)
        write(off)
    }

    /// To standard output; only the write system call, so it is safe in a signal handler.
    fileprivate static func write(_ text: StaticString) {
        let saved = errno
        _ = Glibc.write(1, text.utf8Start, text.utf8CodeUnitCount)
        errno = saved
    }

    fileprivate static func setHandler(_ signal: Int32, _ handler: @escaping @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(signal, &action, nil)
    }

    /// Ctrl-Z: paste mode off, then stop as the default action would (the signal is
    /// blocked while this runs and delivered again when it returns).
    fileprivate static let suspend: @convention(c) (Int32) -> Void = { _ in
        BracketedPaste.write(BracketedPaste.off)
        signal(SIGTSTP, SIG_DFL)
        raise(SIGTSTP)
    }

    fileprivate static let resume: @convention(c) (Int32) -> Void = { _ in
        BracketedPaste.write(BracketedPaste.on)
        BracketedPaste.setHandler(SIGTSTP, BracketedPaste.suspend)
    }
}
