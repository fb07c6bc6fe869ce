/// What training stores with a model version for monitoring (the run's artifact
/// `reference-profile.json`): the profile of the training rows' features, the profile of the
/// model's predictions, and, for a binary classifier trained with validation rows, the isotonic
/// calibration of its probabilities on those rows (what CBPE needs to estimate performance
/// without labels).
public struct ReferenceProfile: Sendable, Equatable, Codable {
    /// The format this reader writes; a newer one is refused.
    public static let currentVersion = 1

    /// A calibration's breakpoints, as stored.
    public struct Calibration: Sendable, Equatable, Codable {
        public var thresholds: [Double]
        public var values: [Double]
        /// Labelled rows it was fitted on.
        public var rows: Int

        /// Breakpoints; see the properties.
        public init(thresholds: [Double], values: [Double], rows: Int) {
            self.thresholds = thresholds
            self.values = values
            self.rows = rows
        }
    }

    public var version: Int
    /// The model features of the training rows, and (as `predictions`) the model's output.
    public var data: DataProfile
    /// Which rows the predictions profile describes: `validation` or `training`.
    public var predictionSource: String
    /// The calibration of the positive class's probability (binary classifiers with validation rows).
    public var calibration: Calibration?

    /// A profile; see the properties.
    public init(data: DataProfile, predictionSource: String, calibration: Calibration?) {
        version = Self.currentVersion
        self.data = data
        self.predictionSource = predictionSource
        self.calibration = calibration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        if version > Self.currentVersion { throw DriftError.unsupportedProfileVersion(version) }
        data = try container.decode(DataProfile.self, forKey: .data)
        predictionSource = try container.decode(String.self, forKey: .predictionSource)
        calibration = try container.decodeIfPresent(Calibration.self, forKey: .calibration)
    }

    /// The stored calibration, ready to apply (nil when there is none or it is malformed).
    public var isotonicCalibration: IsotonicCalibration? {
        calibration.flatMap { try? IsotonicCalibration(thresholds: $0.thresholds, values: $0.values) }
    }
}
