import TACEModel

/// A step function over the real line: ordered bands, each ending at `upper`
/// (inclusive or exclusive), the last one at +∞. One table serves both the exact
/// point predicate and the set of points reachable from a censored value, so the
/// two can never disagree.
struct StepScale: Sendable {
    struct Band: Sendable {
        var upper: Double
        var upperInclusive: Bool
        var points: Double
    }

    let bands: [Band]

    /// `bands` must end with a band whose upper bound is +∞.
    init(_ bands: [Band]) {
        precondition(bands.last?.upper == .infinity, "the last band must be unbounded")
        self.bands = bands
    }

    /// Points for an exact value. NaN falls into the last band; callers pass finite values.
    func points(_ x: Double) -> Double {
        for b in bands where x < b.upper || (x == b.upper && b.upperInclusive) {
            return b.points
        }
        return bands[bands.count - 1].points
    }

    /// Points reachable for any true value in `interval`, ascending and without duplicates.
    func reachable(_ interval: ValueInterval) -> [Double] {
        var result: [Double] = []
        var lower = -Double.infinity
        var lowerClosed = false
        for b in bands {
            let band = ValueInterval(lower: lower, lowerClosed: lowerClosed, upper: b.upper, upperClosed: b.upperInclusive)
            if Self.intersects(band, interval), !result.contains(b.points) {
                result.append(b.points)
            }
            lower = b.upper
            lowerClosed = !b.upperInclusive
        }
        return result.sorted()
    }

    static func intersects(_ a: ValueInterval, _ b: ValueInterval) -> Bool {
        let lo: Double
        let loClosed: Bool
        if a.lower == b.lower {
            lo = a.lower
            loClosed = a.lowerClosed && b.lowerClosed
        } else if a.lower > b.lower {
            lo = a.lower
            loClosed = a.lowerClosed
        } else {
            lo = b.lower
            loClosed = b.lowerClosed
        }
        let hi: Double
        let hiClosed: Bool
        if a.upper == b.upper {
            hi = a.upper
            hiClosed = a.upperClosed && b.upperClosed
        } else if a.upper < b.upper {
            hi = a.upper
            hiClosed = a.upperClosed
        } else {
            hi = b.upper
            hiClosed = b.upperClosed
        }
        if lo < hi { return true }
        return lo == hi && loClosed && hiClosed && lo.isFinite
    }
}

extension ValueInterval {
    /// Text such as `520`, `>60500`, `<=3`, `30 to 40` for rationales.
    func text(maxFractionDigits: Int = 4) -> String {
        let f = { (x: Double) in NumberText.decimal(x, maxFractionDigits: maxFractionDigits) }
        if isPoint { return f(lower) }
        if lower == -.infinity { return (upperClosed ? "<=" : "<") + f(upper) }
        if upper == .infinity { return (lowerClosed ? ">=" : ">") + f(lower) }
        return (lowerClosed ? "[" : "(") + f(lower) + ", " + f(upper) + (upperClosed ? "]" : ")")
    }
}
