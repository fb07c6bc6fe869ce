/// Sizes, colours and text measuring shared by every plot.
enum PlotStyle {
    /// Font sizes, in user units.
    static let titleSize = 16.0, labelSize = 13.0, tickSize = 12.0, noteSize = 11.0

    /// Okabe–Ito blue, for negative attributions (and the first of two categories).
    static let negative = "#0072B2"
    /// Okabe–Ito vermillion, for positive attributions.
    static let positive = "#D55E00"
    /// The colour of missing values.
    static let missing = "#8C8C8C"
    /// Axis lines and ticks.
    static let axis = "#555555"
    /// Grid and reference lines.
    static let grid = "#DDDDDD"
    /// Neutral marks (bars of importance, the summed "other features" row).
    static let neutral = "#0072B2"

    /// The longest a feature label may be, in user units, before it is shortened.
    static let maxLabelWidth = 260.0

    /// The width `text` takes at font size `size`, estimated from DejaVu Sans's advance
    /// widths (Linux's usual sans serif, and wider than Helvetica, Arial or San Francisco, so
    /// the estimate errs towards room to spare): no font metrics exist when the SVG is written.
    static func width(of text: String, size: Double) -> Double {
        var ems = 0.0
        for character in text {
            ems += emWidth(character)
        }
        return ems * size
    }

    /// DejaVu Sans's advance widths of " " through "~", in ems.
    private static let asciiWidths: [Double] = [
        0.32, 0.4, 0.46, 0.84, 0.64, 0.95, 0.78, 0.27, 0.39, 0.39, 0.5, 0.84, 0.32, 0.36, 0.32, 0.34,
        0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.34, 0.34, 0.84, 0.84, 0.84, 0.53,
        1.0, 0.68, 0.69, 0.7, 0.77, 0.63, 0.58, 0.77, 0.75, 0.29, 0.29, 0.66, 0.56, 0.86, 0.75, 0.79,
        0.6, 0.79, 0.69, 0.63, 0.61, 0.73, 0.68, 0.99, 0.69, 0.61, 0.69, 0.39, 0.34, 0.39, 0.84, 0.5,
        0.5, 0.61, 0.63, 0.55, 0.63, 0.62, 0.35, 0.63, 0.63, 0.28, 0.28, 0.58, 0.28, 0.97, 0.63, 0.61,
        0.63, 0.63, 0.41, 0.52, 0.39, 0.63, 0.59, 0.82, 0.59, 0.59, 0.52, 0.64, 0.34, 0.64, 0.84,
    ]

    private static func emWidth(_ character: Character) -> Double {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.value {
        case 32...126: return asciiWidths[Int(scalar.value) - 32]
        case 0x2026: return 1.0  // …
        case 0x2212: return 0.84  // −
        case 0x2E80...: return 1.0  // CJK and wider scripts
        default: return 0.65
        }
    }

    /// `text`, or its start with an ellipsis, no wider than `maxWidth` at `size`.
    static func truncated(_ text: String, toWidth maxWidth: Double, size: Double) -> String {
        guard width(of: text, size: size) > maxWidth else { return text }
        let budget = maxWidth - width(of: "…", size: size)
        var used = 0.0, kept = ""
        for character in text {
            let next = emWidth(character) * size
            if used + next > budget { break }
            used += next
            kept.append(character)
        }
        while kept.last == " " { kept.removeLast() }
        return kept + "…"
    }

    /// The widest of `labels` (each shortened to `maxLabelWidth`) at `size`.
    static func widest(_ labels: [String], size: Double = labelSize) -> Double {
        labels.map { min(width(of: $0, size: size), maxLabelWidth) }.max() ?? 0
    }
}
