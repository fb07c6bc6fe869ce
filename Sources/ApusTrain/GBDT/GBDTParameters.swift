/// Every parameter of the histogram GBDT, with LightGBM's names and meanings wherever
/// the concept exists, so settings carry over.
///
/// The properties hold the defaults; ``GBDTParameters/specifications`` declares each
/// parameter's name, aliases, valid range and documentation once, and parsing, printing,
/// the command line's help and `docs/parameters.md` all derive from it.
public struct GBDTParameters: Sendable, Equatable {
    /// Empty: the objective the target's task implies (``TrainingData/objective``).
    public var objective = ""
    /// `num_iterations`: its range and meaning are in ``specifications``.
    public var numIterations = 100
    /// `learning_rate`: its range and meaning are in ``specifications``.
    public var learningRate = 0.1
    /// `num_leaves`: its range and meaning are in ``specifications``.
    public var numLeaves = 31
    /// `max_depth`: its range and meaning are in ``specifications``.
    public var maxDepth = -1
    /// `min_data_in_leaf`: its range and meaning are in ``specifications``.
    public var minDataInLeaf = 20
    /// `min_sum_hessian_in_leaf`: its range and meaning are in ``specifications``.
    public var minSumHessianInLeaf = 1e-3
    /// `min_gain_to_split`: its range and meaning are in ``specifications``.
    public var minGainToSplit = 0.0
    /// `lambda_l1`: its range and meaning are in ``specifications``.
    public var lambdaL1 = 0.0
    /// `lambda_l2`: its range and meaning are in ``specifications``.
    public var lambdaL2 = 0.0
    /// `feature_fraction`: its range and meaning are in ``specifications``.
    public var featureFraction = 1.0
    /// `bagging_fraction`: its range and meaning are in ``specifications``.
    public var baggingFraction = 1.0
    /// `bagging_freq`: its range and meaning are in ``specifications``.
    public var baggingFreq = 0
    /// `seed`: its range and meaning are in ``specifications``.
    public var seed = 0
    /// `num_threads`: its range and meaning are in ``specifications``.
    public var numThreads = 0
    /// `max_bin`: its range and meaning are in ``specifications``.
    public var maxBin = 255
    /// `min_data_in_bin`: its range and meaning are in ``specifications``.
    public var minDataInBin = 3
    /// `bin_construct_sample_cnt`: its range and meaning are in ``specifications``.
    public var binConstructSampleCnt = 200_000
    /// `max_cat_to_onehot`: its range and meaning are in ``specifications``.
    public var maxCatToOnehot = 4
    /// `max_cat_threshold`: its range and meaning are in ``specifications``.
    public var maxCatThreshold = 32
    /// `cat_smooth`: its range and meaning are in ``specifications``.
    public var catSmooth = 10.0
    /// `cat_l2`: its range and meaning are in ``specifications``.
    public var catL2 = 10.0
    /// `min_data_per_group`: its range and meaning are in ``specifications``.
    public var minDataPerGroup = 100
    /// `monotone_constraints`: its range and meaning are in ``specifications``.
    public var monotoneConstraints: [Int] = []
    /// `scale_pos_weight`: its range and meaning are in ``specifications``.
    public var scalePosWeight = 1.0
    /// `alpha`: its range and meaning are in ``specifications``.
    public var alpha = 0.9
    /// `poisson_max_delta_step`: its range and meaning are in ``specifications``.
    public var poissonMaxDeltaStep = 0.7
    /// `early_stopping_round`: its range and meaning are in ``specifications``.
    public var earlyStoppingRound = 0
    /// `metric`: its range and meaning are in ``specifications``.
    public var metric = ""

    /// Every parameter at its default.
    public init() {}

    /// The objectives a model can train with.
    public static let objectives = ["binary", "multiclass", "regression", "regression_l1", "huber", "poisson", "quantile"]
}

/// One parameter's declaration: its name, the other names it answers to, its valid
/// values, and what it does.
public struct ParameterSpecification: Sendable {
    /// The canonical (LightGBM) name.
    public let name: String
    /// Other accepted names (LightGBM's aliases).
    public let aliases: [String]
    /// The valid values, in words (`an integer in 2...131072`).
    public let range: String
    /// What the parameter does.
    public let summary: String
    let get: @Sendable (GBDTParameters) -> String
    let set: @Sendable (inout GBDTParameters, String) throws(ParameterError) -> Void
}

extension GBDTParameters {
    /// Every parameter, in documentation order.
    public static let specifications: [ParameterSpecification] = [
        .choice("objective", aliases: ["objective_type", "loss"], \.objective, GBDTParameters.objectives,
                "The loss the trees minimise; by default the task's (binary, multiclass or regression)."),
        .int("num_iterations", aliases: ["num_iteration", "n_iter", "num_tree", "num_trees", "num_round", "num_rounds", "nrounds", "num_boost_round", "n_estimators"],
             \.numIterations, 1...1_000_000, "Boosting rounds (one tree per round, per class for multiclass)."),
        .double("learning_rate", aliases: ["shrinkage_rate", "eta"], \.learningRate, open: 0, 1_000,
                "Multiplies every leaf's output."),
        .int("num_leaves", aliases: ["num_leaf", "max_leaves", "max_leaf"], \.numLeaves, 2...131_072,
             "The most leaves a tree grows to (trees grow leaf-wise, best leaf first)."),
        .int("max_depth", aliases: [], \.maxDepth, -1...1_000, "The deepest a leaf may be; -1 or 0 for no limit."),
        .int("min_data_in_leaf", aliases: ["min_data_per_leaf", "min_data", "min_child_samples", "min_samples_leaf"],
             \.minDataInLeaf, 0...Int(Int32.max), "The fewest training rows a leaf may hold."),
        .double("min_sum_hessian_in_leaf", aliases: ["min_sum_hessian_per_leaf", "min_sum_hessian", "min_hessian", "min_child_weight"],
                \.minSumHessianInLeaf, closed: 0, .infinity, "The smallest sum of hessians a leaf may hold."),
        .double("min_gain_to_split", aliases: ["min_split_gain"], \.minGainToSplit, closed: 0, .infinity,
                "The smallest loss reduction worth a split."),
        .double("lambda_l1", aliases: ["reg_alpha", "l1_regularization"], \.lambdaL1, closed: 0, .infinity,
                "L1 regularisation of leaf outputs."),
        .double("lambda_l2", aliases: ["reg_lambda", "lambda", "l2_regularization"], \.lambdaL2, closed: 0, .infinity,
                "L2 regularisation of leaf outputs."),
        .fraction("feature_fraction", aliases: ["sub_feature", "colsample_bytree"], \.featureFraction,
                  "The share of features each tree may split on, drawn per tree."),
        .fraction("bagging_fraction", aliases: ["sub_row", "subsample", "bagging"], \.baggingFraction,
                  "The share of rows each tree learns from, drawn every `bagging_freq` rounds."),
        .int("bagging_freq", aliases: ["subsample_freq"], \.baggingFreq, 0...1_000_000,
             "Redraw the bagged rows every this many rounds; 0 turns bagging off."),
        .int("seed", aliases: ["random_seed", "random_state"], \.seed, 0...Int(Int32.max),
             "Seeds binning samples, bagging and feature fractions: the same seed gives the same model."),
        .int("num_threads", aliases: ["num_thread", "nthread", "nthreads", "n_jobs"], \.numThreads, 0...1_024,
             "Threads to train with; 0 means one per processor. Never changes the model."),
        .int("max_bin", aliases: ["max_bins"], \.maxBin, 2...255, "The most bins a numeric feature's values fall into."),
        .int("min_data_in_bin", aliases: [], \.minDataInBin, 1...Int(Int32.max), "The fewest sampled values a bin holds."),
        .int("bin_construct_sample_cnt", aliases: ["subsample_for_bin"], \.binConstructSampleCnt, 1...Int(Int32.max),
             "Rows sampled (seeded) to place the bin boundaries."),
        .int("max_cat_to_onehot", aliases: [], \.maxCatToOnehot, 1...1_000,
             "Categorical features with at most this many levels split one level against the rest."),
        .int("max_cat_threshold", aliases: [], \.maxCatThreshold, 1...1_000,
             "The most levels a categorical split sends to one side."),
        .double("cat_smooth", aliases: [], \.catSmooth, closed: 0, .infinity,
                "Added to each level's hessian when levels are ordered by gradient/hessian."),
        .double("cat_l2", aliases: [], \.catL2, closed: 0, .infinity, "L2 regularisation added in categorical splits."),
        .int("min_data_per_group", aliases: [], \.minDataPerGroup, 1...Int(Int32.max),
             "The fewest rows a level (or group of rare levels) needs to be split on."),
        ParameterSpecification(
            name: "monotone_constraints", aliases: ["mc", "monotone_constraint", "monotonic_cst"],
            range: "a comma-separated list of -1, 0 or 1, one per feature (empty: none)",
            summary: "1: the prediction never decreases as the feature grows; -1: never increases; 0: free.",
            get: { $0.monotoneConstraints.map(String.init).joined(separator: ",") },
            set: { (parameters, text) throws(ParameterError) in
                let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
                if text.trimmingSpaces().isEmpty { parameters.monotoneConstraints = []; return }
                var values: [Int] = []
                for part in parts {
                    guard let value = Int(part), (-1...1).contains(value) else {
                        throw .invalid(name: "monotone_constraints", value: text, expected: "a comma-separated list of -1, 0 or 1")
                    }
                    values.append(value)
                }
                parameters.monotoneConstraints = values
            }),
        .double("scale_pos_weight", aliases: [], \.scalePosWeight, open: 0, .infinity,
                "Binary: multiplies the weight of positive rows."),
        .double("alpha", aliases: [], \.alpha, open: 0, .infinity,
                "Huber: the residual beyond which the loss is linear. Quantile: the quantile, in (0, 1)."),
        .double("poisson_max_delta_step", aliases: [], \.poissonMaxDeltaStep, open: 0, .infinity,
                "Poisson: safeguards optimisation (added to the log hessian)."),
        .int("early_stopping_round", aliases: ["early_stopping_rounds", "early_stopping", "n_iter_no_change"],
             \.earlyStoppingRound, 0...1_000_000,
             "Stop when the validation metric has not improved for this many rounds, and keep the best round; 0 turns it off."),
        ParameterSpecification(
            name: "metric", aliases: ["metrics", "metric_types"], range: "a metric name, or empty for the objective's own",
            summary: "The validation metric early stopping watches and the log shows.",
            get: { $0.metric },
            set: { (parameters, text) throws(ParameterError) in
                let name = text.trimmingSpaces()
                guard !name.isEmpty else { parameters.metric = ""; return }
                do {
                    parameters.metric = try Metrics.named(name).name
                } catch {
                    throw .invalid(name: "metric", value: text, expected: "one of \(Metrics.all.map(\.name).joined(separator: ", "))")
                }
            }),
    ]
}

extension Substring {
    func trimmingSpaces() -> String {
        var view = self[...]
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}

extension String {
    func trimmingSpaces() -> String { self[...].trimmingSpaces() }
}
