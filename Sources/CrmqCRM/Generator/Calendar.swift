/// The generator's time window, 2023-01-01 to 2025-12-31, as day indexes 0..<`days`,
/// with the calendar facts and intensity curves the model needs per day.
struct Window: Sendable {
    /// Days in the window (2023 and 2025 have 365 days, 2024 has 366).
    static let days = 1096
    /// The index of 2025-01-01.
    static let start2025 = 731
    /// Days from 1970-01-01 to 2023-01-01 (a Sunday).
    static let epochOffset = 19358

    /// `YYYY-MM-DD` of every day, 10 bytes each.
    let dateBytes: [UInt8]
    /// Month of each day, 0 = January.
    let month: [Int]
    /// Day of the week, 0 = Monday.
    let weekday: [Int]
    /// Cumulative purchase intensity in years: `purchaseCum[d]` is the exposure before day d
    /// (count `days + 1`), so `purchaseCum[b + 1] - purchaseCum[a + 1]` is the exposure of
    /// days a+1 through b. Its mean day weighs 1/365.25 of a year.
    let purchaseCum: [Double]
    /// Cumulative relative signup intensity (count `days + 1`).
    let signupCum: [Double]

    static let shared = Window()

    private init() {
        var dates: [UInt8] = []
        var month: [Int] = [], weekday: [Int] = []
        for d in 0..<Self.days {
            let (y, m, day) = Self.civil(fromDays: Self.epochOffset + d)
            for v in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] { dates.append(UInt8(48 + v)) }
            dates.append(45)
            dates.append(UInt8(48 + m / 10)); dates.append(UInt8(48 + m % 10))
            dates.append(45)
            dates.append(UInt8(48 + day / 10)); dates.append(UInt8(48 + day % 10))
            month.append(m - 1)
            weekday.append((Self.epochOffset + d + 3) % 7)  // 1970-01-01 was a Thursday
        }
        dateBytes = dates
        self.month = month
        self.weekday = weekday

        // Purchases: a Christmas peak and a January lull; Saturdays busiest.
        let purchaseMonth = [0.85, 0.85, 0.95, 1.0, 1.0, 0.95, 0.95, 1.0, 0.95, 1.0, 1.2, 1.45]
        var pw = (0..<Self.days).map { d -> Double in
            let wd = weekday[d]
            return purchaseMonth[month[d]] * (wd == 5 ? 1.25 : wd == 6 ? 1.1 : 0.93)
        }
        let mean = pw.reduce(0, +) / Double(Self.days)
        pw = pw.map { $0 / mean / 365.25 }
        purchaseCum = Self.cumulative(pw)

        // Signups: acquisition growing over time, busier at year end and on weekends.
        let signupMonth = [1.1, 1.0, 1.0, 1.0, 0.95, 0.9, 0.9, 0.95, 1.05, 1.05, 1.15, 1.2]
        let sw = (0..<Self.days).map { d -> Double in
            (1.0 + 0.8 * Double(d) / Double(Self.days)) * signupMonth[month[d]] * (weekday[d] >= 5 ? 1.2 : 0.95)
        }
        signupCum = Self.cumulative(sw)
    }

    private static func cumulative(_ w: [Double]) -> [Double] {
        var c = [0.0]
        c.reserveCapacity(w.count + 1)
        var s = 0.0
        for x in w {
            s += x
            c.append(s)
        }
        return c
    }

    /// The day d with `cum[d] <= target < cum[d + 1]`, clamped to the window.
    @inline(__always)
    static func day(at target: Double, in cum: [Double]) -> Int {
        var lo = 0, hi = cum.count  // first index with cum[i] > target
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cum[mid] <= target { lo = mid + 1 } else { hi = mid }
        }
        return min(max(lo - 1, 0), days - 1)
    }

    /// Year, month (1-12), day of a count of days since 1970-01-01 (Hinnant's algorithm).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
