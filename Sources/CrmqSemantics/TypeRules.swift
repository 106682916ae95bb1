import CrmqSource
import CrmqSyntax
import CrmqDiagnostics

// Implicit conversions, the only ones the checker inserts:
//   int -> double          as an explicit `intToDouble` call
//   null -> any type       the literal `null` takes the type it meets
//   string -> date         only a string literal (or a scalar `let` holding one) in ISO
//                          form where a date is wanted; read at check time
//   string -> category     only a string literal that is one of the category's levels
//                          (any other is reported, naming the levels)
//   category -> string     as an explicit `toString` call (string functions, a comparison
//                          with a string column), so the engine sees plain text

extension BoundExpr {
    static func call(_ function: ScalarFunction, _ arguments: [BoundExpr], type: DataType, range: SourceRange) -> BoundExpr {
        BoundExpr(.call(function, arguments), type: type, range: range)
    }

    static func literal(_ value: Value, range: SourceRange) -> BoundExpr {
        BoundExpr(.literal(value), type: value.type, range: range)
    }

    /// The string if this is a string literal (after `let` inlining).
    var stringLiteral: String? {
        if case .literal(.string(let s)) = kind { return s }
        return nil
    }
}

extension CheckContext {
    /// How costly converting `expr` to `type` is (0 when it already is), nil if impossible.
    func conversionCost(_ expr: BoundExpr, to type: DataType) -> Int? {
        if expr.type == type || expr.type == .null { return 0 }
        if expr.type == .int && type == .double { return 1 }
        if type == .date && expr.stringLiteral != nil { return 2 }
        if type.category != nil && expr.stringLiteral != nil { return 2 }
        if expr.type.category != nil && type == .string { return 1 }
        return nil
    }

    /// `expr` converted to `type`; nil when impossible or (reported) when a string literal
    /// is no valid date. Callers check `conversionCost` first to report type mismatches.
    func convert(_ expr: BoundExpr, to type: DataType) -> BoundExpr? {
        if expr.type == type { return expr }
        if expr.type == .null {
            var retyped = expr
            retyped.type = type
            return retyped
        }
        if expr.type == .int && type == .double {
            return .call(.intToDouble, [expr], type: .double, range: expr.range)
        }
        if type == .date, let text = expr.stringLiteral {
            guard let date = CivilDate.parse(text) else {
                report(.invalidDate(shown(expr)), at: expr.range)
                return nil
            }
            return .literal(.date(date.days), range: expr.range)
        }
        if case .category(let category) = type, expr.stringLiteral != nil {
            guard reportNonLevels([expr], of: category, subject: nil) else { return nil }
            var typed = expr
            typed.type = type
            return typed
        }
        if expr.type.category != nil && type == .string {
            return .call(.toString, [expr], type: .string, range: expr.range)
        }
        return nil
    }

    /// For a comparison: whether the string literals compared with a category are its
    /// levels (reported otherwise, naming the category-typed operand).
    func literalsAreLevels(_ exprs: [BoundExpr]) -> Bool {
        guard let subject = exprs.first(where: { $0.type.category != nil }), let category = subject.type.category,
            exprs.allSatisfy({ $0.type.category == nil || $0.type == subject.type })
        else { return true }
        return reportNonLevels(exprs, of: category, subject: subject)
    }

    /// Whether every string literal among `exprs` is a level of `category`; reports the first
    /// that is not, naming `subject` (the category-typed side) when given, with the levels
    /// in order and a did-you-mean.
    func reportNonLevels(_ exprs: [BoundExpr], of category: CategoryType, subject: BoundExpr?) -> Bool {
        for e in exprs {
            guard let text = e.stringLiteral, category.rank(of: text) == nil else { continue }
            // The message lists the levels; a note only for a near miss ("Action").
            let close = Suggestions.closest(to: text, among: category.levels)
            report(
                .notALevel(text: shown(e), subject: subject.map(shown), category: category), at: e.range,
                notes: close.isEmpty ? [] : [Note(Suggestions.note(for: text, among: category.levels, kind: "level"))])
            return false
        }
        return true
    }

    /// The one type a group of expressions can all be converted to, nil if there is none.
    /// Nulls adapt; int and double meet at double; string literals meet dates as dates.
    func commonType(_ exprs: [BoundExpr]) -> DataType? {
        let typed = exprs.filter { $0.type != .null }
        guard let first = typed.first else { return .null }
        let types = Set(typed.map(\.type))
        if types.count == 1 { return first.type }
        // One category with string literals that are its levels stays the category; with
        // other text it is compared or combined as text (comparisons report a literal that
        // is no level before they get here).
        let categories = Set(typed.compactMap(\.type.category))
        if let category = categories.first {
            guard categories.count == 1, typed.allSatisfy(\.type.isText) else { return nil }
            let plain = typed.filter { $0.type == .string }
            let levels = plain.allSatisfy { $0.stringLiteral.map { category.rank(of: $0) != nil } ?? false }
            return levels ? .category(category) : .string
        }
        if types == [.int, .double] { return .double }
        if types == [.date, .string], typed.allSatisfy({ $0.type == .date || $0.stringLiteral != nil }) {
            return .date
        }
        return nil
    }

    /// The first expression that cannot be converted to `type`, to name in a message.
    func firstMismatch(_ exprs: [BoundExpr], type: DataType) -> BoundExpr? {
        exprs.first { conversionCost($0, to: type) == nil }
    }

    /// All of `exprs` converted to `type` (which `commonType` found); nil if a date literal failed.
    func convertAll(_ exprs: [BoundExpr], to type: DataType) -> [BoundExpr]? {
        var out: [BoundExpr] = []
        var failed = false
        for e in exprs {
            if let c = convert(e, to: type) { out.append(c) } else { failed = true }
        }
        return failed ? nil : out
    }

    /// A null-only group (`null == null`) gets a concrete type, so that the engine never sees `null` as an argument type.
    func concrete(_ type: DataType, default fallback: DataType = .int) -> DataType {
        type == .null ? fallback : type
    }
}
