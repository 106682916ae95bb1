import CrmqSource
import CrmqDiagnostics

/// Parses a whole source text into statements, recovering from errors so that
/// several independent problems are reported in one pass.
public enum Parser {
    /// The script (with every statement that parsed) and the diagnostics found.
    public static func parse(_ file: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        fatalError("Parser.parse is being written")
    }
}
