import ArgumentParser
import ApusTable

@main
struct Apus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apus",
        abstract: "Predictive machine learning you can ship, explain and operate."
    )
}
