#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CrmqSemantics
import CrmqEngine

/// How values are written for people to read (the table and Markdown views, scalar
/// results). Unlike `Value.exactText`, doubles are rounded: CSV and JSON keep full precision.
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

    /// A double rounded for display: fixed with up to 4 decimals, trailing zeros trimmed
    /// but one decimal kept (`3.0`, `0.5`, `12.3457`); scientific with 4 significant
    /// digits when |x| ≥ 1e15 or 0 < |x| < 1e-4 (`1.235e15`, `2.0e-7`).
    public static func double(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0.0" }
        let a = abs(x)
        if a >= 1e15 || a < 1e-4 { return scientific(x) }
        let r = (x * 10_000).rounded() / 10_000
        return r == 0 ? "0.0" : r.description
    }

    private static func scientific(_ x: Double) -> String {
        let a = abs(x)
        var e = Int(floor(log10(a)))
        // 10^e underflows for the smallest subnormals: scale in two steps.
        var m = e < -300 ? (a * 1e300) / pow(10, Double(e + 300)) : a / pow(10, Double(e))
        m = (m * 1000).rounded() / 1000
        if m >= 10 {
            m /= 10
            e += 1
        } else if m < 1 {
            m *= 10
            e -= 1
        }
        m = (m * 1000).rounded() / 1000
        return (x < 0 ? "-" : "") + m.description + "e" + String(e)
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
