import CrmqSemantics
import CrmqEngine
import CrmqSession

/// How values are written for people to read (the table and Markdown views, scalar
/// results). Unlike `Value.exactText`, doubles are rounded, with one number of decimals
/// per column (`DecimalStyle`): CSV and JSON keep full precision.
public enum DisplayText {
    /// A value as shown: `null`, dates YYYY-MM-DD, bools true/false, doubles rounded
    /// (`double(_:)`), strings with control characters escaped.
    public static func of(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .int(let v): String(v)
        case .double(let v): double(v)
        case .string(let s): escapingControls(s)
        case .date(let d): CivilDate(days: d).description
        case .bool(let b): b ? "true" : "false"
        }
    }

    /// A double alone, as a one-value column shows it (`DecimalStyle`): `3.0`, `0.5`,
    /// `12.3457`, `0.01235`; scientific below 1e-4 and from 1e15 (`2.0e-7`, `1.235e15`).
    public static func double(_ x: Double) -> String {
        DecimalStyle.text(x)
    }

    /// The display texts of rows `rows` of `column` (nil stays nil: the elision row). A
    /// column of doubles shares one `DecimalStyle`, chosen from these rows, so its decimal
    /// points line up.
    public static func texts(of column: Column, rows: [Int?]) -> [String?] {
        guard case .double = column.type else {
            return rows.map { $0.map { of(column.value(at: $0)) } }
        }
        var values: [Double] = []
        for r in rows {
            if let r, case .double(let v) = column.value(at: r) { values.append(v) }
        }
        let style = DecimalStyle(values)
        return rows.map { r in
            r.map { r in
                if case .double(let v) = column.value(at: r) { return style.text(v) }
                return of(column.value(at: r))
            }
        }
    }

    /// Control characters as escapes (`\n`, `\t`, `\r`, others `\u{1B}`), so a cell stays
    /// on one line.
    public static func escapingControls(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where isControl(u): out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0)
    }

    /// `text` cut to at most `width` display columns, ending in `…` when it was cut.
    public static func cut(_ text: String, toWidth width: Int) -> String {
        guard width > 0, displayWidth(text) > width else { return text }
        var out = ""
        var used = 0
        for c in text {
            let w = displayWidth(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// An integer with thousands separators: `1,000`.
    public static func grouped(_ n: Int) -> String { n.grouped }
}
