/// The stylesheet of HTML notebooks: system fonts only, a readable measure, light and dark
/// colours, phone and print layouts.
///
/// Charts (`SVGChartRenderer`) take their colours from here: their text and axes are
/// `currentColor`, set to the page's text colour, and each series' marks the colour of
/// its `--series-k` variable, so that both switch with the colour scheme. A chart is as
/// wide as its cell up to `chartMaxWidth` and keeps its proportions.
enum NotebookStyle {
    /// Series colours on a dark background: the light palette's hues, lightened.
    static let darkPalette = ["#6f9fd8", "#ffa64d", "#7cc46e", "#ff7f81", "#90d4ce", "#f4d35e", "#cf9cc4", "#c8a184"]
    /// The widest a chart is drawn: wide enough to read, narrow enough that its labels
    /// (1/32 of its width) are not larger than the prose.
    static let chartMaxWidth = "32rem"

    static var css: String { base + charts }

    /// The chart rules: series colours for each scheme, and the figure's size.
    static let charts: String = {
        let light = SVGChartRenderer.palette.enumerated().map { "--series-\($0): \($1);" }.joined(separator: " ")
        let dark = darkPalette.enumerated().map { "--series-\($0): \($1);" }.joined(separator: " ")
        var out = """
            :root { \(light) }
            @media (prefers-color-scheme: dark) { :root { \(dark) } }
            @media print { :root { \(light) } }
            figure.chart svg { display: block; width: 100%; max-width: \(chartMaxWidth); height: auto; color: var(--fg); }

            """
        for k in SVGChartRenderer.palette.indices {
            out += "figure.chart .bar.series-\(k), figure.chart .point.series-\(k), figure.chart .swatch.series-\(k) { fill: var(--series-\(k)); }\n"
            out += "figure.chart .line.series-\(k) { stroke: var(--series-\(k)); }\n"
        }
        return out
    }()

    static let base = #"""
        :root {
          --bg: #ffffff; --fg: #1f2328; --muted: #636c76; --rule: #d0d7de;
          --code-bg: #f6f8fa; --accent: #0969da; --row: #f6f8fa;
          --error-bg: #fff1f0; --error-fg: #a40e26; --error-rule: #cf222e;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --rule: #30363d;
            --code-bg: #161b22; --accent: #4493f8; --row: #151b23;
            --error-bg: #25171c; --error-fg: #ffa198; --error-rule: #f85149;
          }
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--bg); color: var(--fg);
          font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
        }
        main, .doc-header, .doc-footer { max-width: 56rem; margin: 0 auto; padding: 0 1rem; }
        .doc-header {
          display: flex; flex-wrap: wrap; justify-content: space-between; gap: .25rem 1rem;
          padding-top: .75rem; padding-bottom: .5rem; border-bottom: 1px solid var(--rule);
          color: var(--muted); font-size: .85rem;
        }
        .doc-script { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        .doc-footer {
          margin-top: 2.5rem; padding-top: .75rem; padding-bottom: 2rem; border-top: 1px solid var(--rule);
          color: var(--muted); font-size: .85rem; overflow-wrap: anywhere;
        }
        code, pre, .value, table { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
        .cell { margin: 1.75rem 0; }
        .prose { overflow-wrap: break-word; }
        .prose h1 { font-size: 1.9rem; line-height: 1.2; margin: 1.5rem 0 .75rem; }
        .prose h2 { font-size: 1.35rem; line-height: 1.3; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--rule); }
        .prose h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
        .prose p, .prose ul, .prose ol, .prose blockquote { margin: .6rem 0; }
        .prose ul, .prose ol { padding-left: 1.5rem; }
        .prose blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
        .prose code { font-size: .88em; background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
        .prose pre { background: var(--code-bg); padding: .75rem; border-radius: 6px; overflow-x: auto; }
        .prose pre code { background: none; padding: 0; }
        .prose table { border-collapse: collapse; font-family: inherit; }
        .prose th, .prose td { border: 1px solid var(--rule); padding: .25rem .5rem; }
        a { color: var(--accent); }
        pre.code {
          margin: .75rem 0 0; padding: .6rem .8rem; background: var(--code-bg);
          border-left: 3px solid var(--accent); border-radius: 0 6px 6px 0;
          font-size: .85rem; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere;
        }
        .output { margin: .5rem 0 0; }
        .output > * { margin: .5rem 0; }
        .table-scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
        .output table { border-collapse: collapse; font-size: .82rem; }
        .output th, .output td { padding: .2rem .7rem; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--rule); }
        .output th { border-bottom: 2px solid var(--rule); font-weight: 600; }
        .output th:first-child, .output td:first-child { padding-left: .2rem; }
        .output tbody tr:nth-child(even) { background: var(--row); }
        .output .num { text-align: right; font-variant-numeric: tabular-nums; }
        .output .null, .output .elision td { color: var(--muted); }
        .output .null { font-style: italic; }
        .table-footer, .message { color: var(--muted); font-size: .85rem; margin: .3rem 0; }
        .value { font-size: 1.1rem; font-weight: 600; }
        pre.text { font-size: .82rem; white-space: pre-wrap; overflow-wrap: anywhere; padding: .6rem .8rem; border: 1px solid var(--rule); border-radius: 6px; }
        pre.error {
          font-size: .82rem; white-space: pre; overflow-x: auto; padding: .6rem .8rem;
          background: var(--error-bg); color: var(--error-fg); border-left: 3px solid var(--error-rule); border-radius: 0 6px 6px 0;
        }
        .cell.failed pre.code { border-left-color: var(--error-rule); }
        figure.chart { margin: .5rem 0; }
        figure.chart figcaption { color: var(--muted); font-size: .85rem; margin-bottom: .25rem; }
        @media (max-width: 480px) {
          body { font-size: 15px; }
          main, .doc-header, .doc-footer { padding: 0 .75rem; }
          .prose h1 { font-size: 1.5rem; }
          .prose h2 { font-size: 1.2rem; }
          pre.code, pre.text, pre.error { font-size: .78rem; }
        }
        @media print {
          :root { --bg: #fff; --fg: #000; --muted: #444; --rule: #bbb; --code-bg: #f3f3f3; --row: #f7f7f7; }
          body { font-size: 10.5pt; }
          main, .doc-header, .doc-footer { max-width: none; padding: 0; }
          a { color: inherit; }
          .cell { break-inside: avoid-page; }
          .prose h1, .prose h2, .prose h3 { break-after: avoid-page; }
          pre.code { break-after: avoid-page; }
          .table-scroll { overflow: visible; }
          pre.error { white-space: pre-wrap; overflow-wrap: anywhere; }
          .output table { font-size: 7.5pt; }
          .output th, .output td { white-space: normal; overflow-wrap: anywhere; padding: .1rem .35rem; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; }
        }
        """#
}
