import CrmqSource
import CrmqDiagnostics
import CrmqSyntax

/// Resolves every name and type of one statement against a catalog, producing a
/// checked statement (a plan value) or the diagnostics that stop it from running.
public struct Checker {
    public init(catalog: any Catalog, file: SourceFile) {
        fatalError("Checker is being written")
    }
    public func check(_ statement: Statement) throws(DiagnosticList) -> CheckedStatement {
        fatalError("Checker is being written")
    }
}
