import Testing
@testable import CrmqLoading

/// Cells read as numbers (`CellParsing.parseInt`, `parseDouble`) give the standard library's
/// values, whatever bytes follow the cell in the file (a reader must stop at the cell's end).
@Suite struct CellParsingTests {
    /// Runs of digits of every length up to 20 (all nines too, for overflow), each also with
    /// one byte at each place replaced by a sign, a point, an exponent or a byte either side
    /// of "0"..."9"; and some whole shapes.
    static func cells() -> [String] {
        var cells = ["", "-", "+", ".", "0", "-0", "-0.00", "19.95", "1234567.12345678", "12345678.1", "1.", ".5",
            "1e5", "1.2.3", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "0000000000000000012"]
        let others: [Character] = ["-", "+", ".", "e", "/", ":", " ", "a", "\u{7F}", "é"]
        for length in 1...20 {
            let digits = Array(String(repeating: "1234567890", count: 2).prefix(length))
            cells.append(String(digits))
            cells.append(String(repeating: "9", count: length))
            for place in 0..<length {
                for other in others {
                    var cell = digits
                    cell[place] = other
                    cells.append(String(cell))
                }
            }
        }
        return cells
    }

    @Test func numbersAreReadTheSameWhateverFollowsTheCell() {
        for cell in Self.cells() {
            let bytes = Array(cell.utf8)
            // The cell alone (no byte past it) and followed by more of a file.
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

    /// `digits.digits`, the shape of most amounts, with up to 7 and 8 digits either side.
    @Test func decimalsOfTheCommonShapeAreThoseOfTheStandardLibrary() {
        for k in 0..<20_000 {
            // Digits that vary from one k to the next (a multiplicative hash of k).
            let digits = String(String((UInt64(k) &* 0x9E37_79B9_7F4A_7C15) % 1_000_000_000_000_000).reversed())
            let whole = 1 + k % 7, fraction = 1 + (k / 7) % 8
            let text = String(digits.prefix(whole)) + "." + String(digits.dropFirst(whole).prefix(fraction))
            guard text.last != "." else { continue }
            let bytes = Array((text + ",0123456789\n").utf8)
            let v = bytes.withUnsafeBufferPointer { CellParsing.parseDouble($0, 0, text.utf8.count) }
            #expect(v == Double(text), "\(text)")
        }
    }
}
