import Testing
@testable import CrmqLoading

/// Cells read as numbers (`CellParsing.parseInt`, `parseDouble`) give the standard library's
/// values, whatever bytes follow the cell in the file (a reader must stop at the cell's end).
@Suite struct CellParsingTests {
    /// Cells of digits, signs, points, exponents and the bytes either side of "0"..."9".
    static func cells() -> [String] {
        var rng = SeededGenerator(seed: 17)
        let alphabet = Array("0123456789") + Array("0123456789") + ["-", "+", ".", "e", "/", ":", " ", "a", "\u{7F}", "é"]
        var cells: [String] = ["", "-", "+", ".", "0", "-0", "-0.00", "19.95", "1234567.12345678", "12345678.1",
            "99999999", "100000000", "9999999999999999", "99999999999999999", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0000000000000000012",
            "1.", ".5", "1e5", "12/5", "12:5", "1234567/", "/1234567", "1234:678", "1.2.3"]
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...20, using: &rng)
            var cell = ""
            for k in 0..<length {
                // Mostly digits, so long runs of them are common.
                cell.append(Int.random(in: 0..<4, using: &rng) == 0 || k == 0 && Bool.random(using: &rng)
                    ? alphabet.randomElement(using: &rng)! : Character(String(Int.random(in: 0...9, using: &rng))))
            }
            cells.append(cell)
        }
        return cells
    }

    @Test func numbersAreReadTheSameWhateverFollowsTheCell() {
        for cell in Self.cells() {
            let bytes = Array(cell.utf8)
            // The cell alone (no byte past it: the digit loops) and followed by more text.
            let alone = bytes.withUnsafeBufferPointer { p in
                (CellParsing.parseInt(p, 0, p.count), CellParsing.parseDouble(p, 0, p.count))
            }
            for after in ["", ",19.95,2026-01-01\n", "12345678901234567"] {
                let padded = Array("x,".utf8) + bytes + Array(after.utf8)
                let (int, double) = padded.withUnsafeBufferPointer { p in
                    (CellParsing.parseInt(p, 2, 2 + bytes.count), CellParsing.parseDouble(p, 2, 2 + bytes.count))
                }
                #expect(int == alone.0, "int \(cell.debugDescription) followed by \(after.debugDescription)")
                #expect(double?.bitPattern == alone.1?.bitPattern, "double \(cell.debugDescription) followed by \(after.debugDescription)")
            }
            #expect(alone.0 == Int64(cell), "int \(cell.debugDescription)")
        }
    }

    @Test func decimalsOfTheCommonShapeAreThoseOfTheStandardLibrary() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let whole = Int.random(in: 1...7, using: &rng), fraction = Int.random(in: 1...8, using: &rng)
            let text = String((0..<whole).map { _ in "0123456789".randomElement(using: &rng)! }) + "."
                + String((0..<fraction).map { _ in "0123456789".randomElement(using: &rng)! })
            let bytes = Array((text + ",0123456789\n").utf8)
            let v = bytes.withUnsafeBufferPointer { CellParsing.parseDouble($0, 0, text.utf8.count) }
            #expect(v == Double(text), "\(text)")
        }
    }
}

/// A deterministic generator (SplitMix64) for repeatable random cells.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
