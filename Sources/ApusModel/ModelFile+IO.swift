extension ModelFile {
    /// Writes `model` to `path`, replacing any file there.
    ///
    /// The bytes go to a temporary file in the same directory, which is flushed and then
    /// renamed over `path`, so a crash never leaves a half-written model. A model the
    /// reader would reject (classes that do not fit the task, a schema that does not
    /// match the ensemble) is not written.
    ///
    /// - Throws: ``ModelError/io(path:reason:)``.
    public static func write(_ model: Model, to path: String) throws(ModelError) {
        do {
            try checkConsistency(model)
        } catch {
            let detail = if case .corrupt(let field, let reason) = error { "\(field): \(reason)" } else { "\(error)" }
            throw .io(path: path, reason: "not written, because it could not be read back: \(detail)")
        }
        try FileIO.store(encode(model), path: path)
    }

    /// Reads the model file at `path`.
    ///
    /// - Throws: ``ModelError/io(path:reason:)`` when the file cannot be read, or any
    ///   error of ``decode(_:)``.
    public static func read(path: String) throws(ModelError) -> Model {
        try decode(FileIO.load(path: path))
    }
}
