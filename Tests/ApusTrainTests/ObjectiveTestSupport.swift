import ApusTable
import ApusTrain

/// Whether `actual` is within `tolerance` of `expected`, relative to max(|expected|, 1).
func isNear(_ actual: Double, _ expected: Double, tolerance: Double = 1e-12) -> Bool {
    abs(actual - expected) <= tolerance * max(abs(expected), 1)
}

/// The registered objective `name`, with 3 classes for `multiclass`.
func objective(_ name: String, _ parameters: ObjectiveParameters = ObjectiveParameters(classCount: 3)) throws -> any Objective {
    try Objectives.named(name, parameters: parameters)
}

/// `rows` random labels valid for `objective`.
func randomLabels(for objective: any Objective, rows: Int, _ random: inout SeededRandom) -> [Double] {
    (0..<rows).map { _ in
        switch objective.name {
        case "binary": Double(random.nextInt(below: 2))
        case "multiclass": Double(random.nextInt(below: objective.scoresPerRow))
        case "poisson": Double(random.nextInt(below: 6))
        default: 6 * random.nextDouble() - 3
        }
    }
}

/// `count` random raw scores in [−3, 3).
func randomScores(_ count: Int, _ random: inout SeededRandom) -> [Double] {
    (0..<count).map { _ in 6 * random.nextDouble() - 3 }
}

/// The message of the error `body` throws, or nil if it returns.
func objectiveErrorMessage<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as ObjectiveError {
        return error.description
    } catch {
        return "not an ObjectiveError: \(error)"
    }
}
