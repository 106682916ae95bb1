/// The number of terminal columns `text` occupies: East Asian wide and fullwidth
/// characters (CJK, Hangul, fullwidth forms) and emoji count 2, combining marks and other
/// zero-width characters 0, everything else 1. Measured per character (grapheme cluster),
/// so an emoji sequence joined with ZWJ or a flag counts once.
public func displayWidth(_ text: String) -> Int {
    if isPrintableASCII(text) { return text.utf8.count }
    var width = 0
    for c in text { width += displayWidth(c) }
    return width
}

/// Whether every byte of `text` is printable ASCII (one column each, one character each):
/// most table cells and source lines, measured without splitting them into characters.
func isPrintableASCII(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
}

/// The terminal columns of one character (see `displayWidth(_: String)`).
public func displayWidth(_ c: Character) -> Int {
    let scalars = c.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }
    let w = scalarWidth(first)
    // A text-style symbol followed by VARIATION SELECTOR-16 is drawn as a (wide) emoji.
    if w == 1 && scalars.count > 1 && scalars.contains("\u{FE0F}") && first.properties.isEmoji { return 2 }
    return w
}

func scalarWidth(_ s: Unicode.Scalar) -> Int {
    let v = s.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    switch s.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if v == 0x200B { return 0 }
    if s.properties.isEmojiPresentation { return 2 }
    if v >= 0x1F1E6 && v <= 0x1F1FF { return 2 }  // regional indicators: a flag
    for range in wideRanges where range.contains(v) { return 2 }
    return 1
}

/// East Asian Wide (W) and Fullwidth (F) blocks of Unicode's EastAsianWidth.txt, coarsely.
private let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F,  // Hangul Jamo initial consonants
    0x231A...0x231B, 0x2329...0x232A,
    0x2E80...0x303E,  // CJK radicals, punctuation, ideographic space
    0x3041...0x33FF,  // kana, bopomofo, Hangul compatibility jamo, CJK symbols
    0x3400...0x4DBF,  // CJK extension A
    0x4E00...0x9FFF,  // CJK unified ideographs
    0xA000...0xA4CF,  // Yi
    0xA960...0xA97F,  // Hangul Jamo extended A
    0xAC00...0xD7A3,  // Hangul syllables
    0xF900...0xFAFF,  // CJK compatibility ideographs
    0xFE10...0xFE19, 0xFE30...0xFE6F,  // vertical and small forms
    0xFF00...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms
    0x16FE0...0x16FE4, 0x17000...0x18CFF,  // Tangut, Khitan
    0x1B000...0x1B2FF,  // kana supplement, Nushu
    0x1F300...0x1F64F, 0x1F900...0x1F9FF,  // pictographs, emoticons
    0x20000...0x2FFFD, 0x30000...0x3FFFD,  // CJK extensions B and later
]
