/// Which way a score is adverse: what a reason code explains.
public enum AdverseOutcome: Sendable, Hashable {
    /// A higher score is adverse: binary, the positive class (`classes[1]`, the default);
    /// regression, a higher prediction.
    case higher
    /// A lower score is adverse: binary, the negative class; regression, a lower prediction.
    case lower
    /// The class with this index (in ``ApusModel/Model/classes``) is adverse: a higher score
    /// for it is adverse. Multiclass models need it. With one score (binary), class 1 is
    /// ``higher`` and class 0 ``lower``.
    case classIndex(Int)
}

/// How reason codes are chosen and worded.
public struct ReasonCodeOptions: Sendable, Equatable {
    /// The most reasons per row (the top k). Must be at least 1. Defaults to 4, the US
    /// adverse-action practice.
    public var count: Int
    /// Which way the score is adverse. Defaults to ``AdverseOutcome/higher``.
    public var adverse: AdverseOutcome
    /// The smallest adverse effect (in the score's units, at least 0) that makes a feature
    /// a reason. Defaults to 0: any adverse effect.
    public var minimumEffect: Double
    /// What the score is called in the text ("raised the **risk** by"). Defaults to `risk`.
    public var outcome: String
    /// The effect's unit in the text ("by 0.31 **log-odds**"); empty for none. Defaults to
    /// `log-odds`, the unit of a binary model's raw score.
    public var unit: String

    /// Options; see the properties.
    public init(count: Int = 4, adverse: AdverseOutcome = .higher, minimumEffect: Double = 0, outcome: String = "risk",
                unit: String = "log-odds") {
        self.count = count
        self.adverse = adverse
        self.minimumEffect = minimumEffect
        self.outcome = outcome
        self.unit = unit
    }
}

/// A feature's value as a reason shows it.
public enum ReasonValue: Sendable, Equatable {
    /// A numeric feature's value.
    case number(Double)
    /// A categorical feature's level.
    case level(String)
    /// A categorical level the model did not see in training.
    case unseenLevel
    /// A missing value.
    case missing
}

/// One reason: a feature that pushed a row's score towards the adverse outcome.
public struct ReasonCode: Sendable, Equatable {
    /// 1 for the strongest reason, then 2, 3, …
    public var rank: Int
    /// The feature's column in the feature matrix (its index in the schema).
    public var feature: Int
    /// The feature's name.
    public var name: String
    /// The row's value of the feature.
    public var value: ReasonValue
    /// The value as text: the number compactly (`4`, `0.3`, `52341.27`), the level's name,
    /// `(a level not seen in training)`, or `missing`.
    public var valueText: String
    /// The feature's attribution (its SHAP value) for the explained score, signed, in the
    /// score's units: positive when it raised the score.
    public var effect: Double
    /// The reason in words: `num_late_payments = 4 raised the risk by 0.31 log-odds`.
    public var text: String

    /// A reason; see the properties.
    public init(rank: Int, feature: Int, name: String, value: ReasonValue, valueText: String, effect: Double, text: String) {
        self.rank = rank
        self.feature = feature
        self.name = name
        self.value = value
        self.valueText = valueText
        self.effect = effect
        self.text = text
    }
}
