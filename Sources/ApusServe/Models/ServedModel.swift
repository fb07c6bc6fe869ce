import ApusExplain
import ApusModel
import ApusService
import ApusStore
import Synchronization

/// One registered model version, loaded and ready to answer requests.
///
/// A request holds its `ServedModel` from start to end, so when an alias moves the version
/// being replaced is released only after its last in-flight request finishes.
public final class ServedModel: Sendable {
    /// The registered model's name.
    public let name: String
    /// The registry version.
    public let version: Int
    /// The model.
    public let model: Model
    /// When it was registered, and the metrics it was registered with.
    public let registryVersion: ModelVersion
    /// Reads request bodies into this model's feature buffer.
    let decoder: PredictionBodyDecoder
    /// Gathers concurrent small requests into one prediction pass (nil: batching off).
    let batcher: AdaptiveBatcher?
    /// The `--explain-background` rows encoded for this model when it was loaded (nil:
    /// the server has none), for the `background` and `threshold` references.
    let background: ServedBackground?
    /// The model prepared for TreeSHAP, made by the first explanation and kept (or why it
    /// cannot be).
    private let preparedExplainer = Mutex<ModelExplainer?>(nil)

    init(version: ModelVersion, model: Model, maxRows: Int, unknownFields: UnknownFieldPolicy, batching: BatchingPolicy?,
         metrics: ServerMetrics, background: ServedBackground? = nil) {
        self.background = background
        self.name = version.model
        self.version = version.version
        self.model = model
        self.registryVersion = version
        self.decoder = PredictionBodyDecoder(schema: model.schema, maxRows: maxRows, unknownFields: unknownFields)
        self.batcher = batching.map { AdaptiveBatcher(ensemble: model.ensemble, policy: $0, metrics: metrics) }
    }

    /// `NAME/VERSION`.
    public var reference: String { "\(name)/\(version)" }

    /// The model's explainer, prepared on first use and reused by every later request.
    func explainer() -> ModelExplainer {
        preparedExplainer.withLock { prepared in
            if let prepared { return prepared }
            let made = ModelExplainer(model: model)
            prepared = made
            return made
        }
    }

    /// Raw scores (`rows × scoresPerRow`) of decoded rows: through the batcher when it is
    /// on and the request is small, else directly on this task.
    func rawScores(_ rows: DecodedRows) async -> [Double] {
        if let batcher, rows.rows <= batcher.policy.maxRowsPerRequest {
            return await batcher.rawScores(features: rows.features, rows: rows.rows)
        }
        var scores = [Double](repeating: 0, count: rows.rows * model.ensemble.scoresPerRow)
        rows.features.withUnsafeBufferPointer { features in
            scores.withUnsafeMutableBufferPointer { scores in
                // One thread: the server answers many requests at once, each on its own task.
                model.ensemble.rawScores(features: features, rows: rows.rows, threads: 1, into: scores)
            }
        }
        return scores
    }
}
