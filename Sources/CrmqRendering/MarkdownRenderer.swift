import CrmqSemantics
import CrmqEngine

/// Draws a table as a GitHub Markdown table: every row, values rounded as in the table
/// view (one number of decimals per column), numeric columns aligned right (`---:`), `|`
/// in cells escaped as `\|`. Columns are padded so that the text also reads well unrendered.
public enum MarkdownRenderer {
    public static func render(_ table: Table) -> String {
        let rows = Array(0..<table.rowCount)
        let cells: [[String]] = table.columns.map { column in
            DisplayText.texts(of: column, rows: rows).map { $0 ?? "" }
        }
        return render(
            headers: table.schema.fields.map { DisplayText.escapingControls($0.name) },
            columns: cells, numeric: table.schema.fields.map(\.type.isNumeric))
    }

    /// A GitHub table of display texts, column by column (notebooks pass the shown rows only).
    /// `escapeMarkup`: values and names are data, never markup: HTML and Markdown's inline
    /// syntax in them become character references (a notebook, which a renderer that passes
    /// HTML through may show).
    static func render(headers: [String], columns: [[String]], numeric: [Bool], escapeMarkup: Bool = false) -> String {
        func escape(_ s: String) -> String {
            escapeMarkup ? Self.escapeMarkup(s) : s.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
        }
        let headers = headers.map(escape)
        let cells = columns.map { $0.map(escape) }
        let rowCount = cells.first?.count ?? 0
        let widths = headers.indices.map { k in
            cells[k].reduce(max(3, displayWidth(headers[k]))) { max($0, displayWidth($1)) }
        }
        func row(_ texts: [String]) -> String {
            let padded = texts.indices.map { k in
                let pad = String(repeating: " ", count: widths[k] - displayWidth(texts[k]))
                return numeric[k] ? pad + texts[k] : texts[k] + pad
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        var lines = [row(headers)]
        lines.append("| " + widths.indices.map { k in
            numeric[k] ? String(repeating: "-", count: widths[k] - 1) + ":" : String(repeating: "-", count: widths[k])
        }.joined(separator: " | ") + " |")
        for r in 0..<rowCount { lines.append(row(cells.map { $0[r] })) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with `& < > " '`, the table's `|`, and the characters of Markdown's inline
    /// syntax (`\ ` * _ [ ] ~ !`) as character references, which GitHub Markdown and
    /// CommonMark show as the characters themselves, in a table cell too.
    static func escapeMarkup(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        func isWordCharacter(_ k: Int) -> Bool {
            k >= 0 && k < scalars.count && (scalars[k].properties.isAlphabetic || scalars[k].properties.numericType != nil)
        }
        for (k, c) in scalars.enumerated() {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            // An underscore inside a word (avg_clv) emphasises nothing, and stays readable.
            case "_" where isWordCharacter(k - 1) && isWordCharacter(k + 1): out += "_"
            case "\"", "'", "|", "\\", "`", "*", "_", "[", "]", "~", "!": out += "&#\(c.value);"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
