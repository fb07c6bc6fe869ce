/// A perceptually uniform sequential colour scale that stays readable under colour-vision
/// deficiency, for feature values from low to high.
public enum SequentialColourScale: String, Sendable, CaseIterable {
    /// Matplotlib's viridis: dark purple through teal to yellow.
    case viridis
    /// Cividis (Nuñez, Anderton and Renslow, 2018): dark blue through grey to yellow,
    /// designed to look the same to people with and without red–green deficiency.
    case cividis

    /// The scale sampled at 0, 0.1, …, 1 (matplotlib's values).
    var stops: [(red: Int, green: Int, blue: Int)] {
        switch self {
        case .viridis:
            return [(0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5F, 0x8D), (0x2A, 0x78, 0x8E),
                    (0x21, 0x91, 0x8C), (0x22, 0xA8, 0x84), (0x44, 0xBF, 0x70), (0x7A, 0xD1, 0x51), (0xBD, 0xDF, 0x26),
                    (0xFD, 0xE7, 0x25)]
        case .cividis:
            return [(0x00, 0x20, 0x51), (0x0A, 0x32, 0x6A), (0x2B, 0x44, 0x6E), (0x4D, 0x56, 0x6D), (0x69, 0x69, 0x70),
                    (0x7F, 0x7C, 0x75), (0x94, 0x8F, 0x78), (0xAD, 0xA4, 0x76), (0xCA, 0xBA, 0x6A), (0xEA, 0xD1, 0x56),
                    (0xFD, 0xEA, 0x45)]
        }
    }

    /// The colour at `fraction` (clamped to 0...1) as `#rrggbb`, interpolated between stops
    /// and quantised to 64 steps so equal-looking points share one colour string.
    public func colour(at fraction: Double) -> String {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0.5
        let quantised = (clamped * 64).rounded() / 64
        let stops = self.stops
        let position = quantised * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        let weight = position - Double(index)
        let low = stops[index], high = stops[index + 1]
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * weight).rounded()) }
        return ColourPalette.hex(mix(low.red, high.red), mix(low.green, high.green), mix(low.blue, high.blue))
    }
}

/// The Okabe–Ito palette (Okabe and Ito, 2008): eight colours told apart by people with
/// any common colour-vision deficiency; used for signs and categories.
public enum ColourPalette {
    /// Blue, vermillion, bluish green, reddish purple, orange, sky blue, yellow, black.
    public static let okabeIto = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    /// The colour of level `code` of a categorical feature (the palette, repeated).
    public static func category(_ code: Int) -> String {
        okabeIto[((code % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }

    static func hex(_ red: Int, _ green: Int, _ blue: Int) -> String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for component in [red, green, blue] {
            let value = min(255, max(0, component))
            out.append(digits[value / 16])
            out.append(digits[value % 16])
        }
        return out
    }
}

/// The interval of a feature's values that spans a colour scale: the 5th to 95th
/// percentile, as shap does (else 1st to 99th, else minimum to maximum), missing values ignored.
struct ColourRange {
    let lower: Double, upper: Double

    /// The range of the finite values of `values`, or nil when there are none.
    init?(_ values: [Double]) {
        let finite = values.filter(\.isFinite).sorted()
        guard !finite.isEmpty else { return nil }
        var (lower, upper) = (Self.percentile(finite, 5), Self.percentile(finite, 95))
        if lower == upper { (lower, upper) = (Self.percentile(finite, 1), Self.percentile(finite, 99)) }
        if lower == upper { (lower, upper) = (finite[0], finite[finite.count - 1]) }
        self.lower = lower
        self.upper = max(lower, upper)
    }

    /// Where `value` falls in the range, from 0 to 1 (clamped; 0.5 when the range is one value).
    func fraction(_ value: Double) -> Double {
        upper > lower ? min(1, max(0, (value - lower) / (upper - lower))) : 0.5
    }

    /// numpy's default (linear) percentile of sorted values.
    static func percentile(_ sorted: [Double], _ percent: Double) -> Double {
        let position = percent / 100 * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(sorted.count - 1, below + 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }
}
