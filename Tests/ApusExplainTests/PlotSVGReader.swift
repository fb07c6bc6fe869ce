import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document read back with Foundation's XML parser, for the plot tests to count
/// and read its elements.
final class PlotSVGReader: NSObject, XMLParserDelegate {
    /// One element: its name, attributes, own text (titles excluded) and its title's text.
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var title: String?
        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []
    private(set) var error: String?

    /// Parses `svg`; `error` is set when it is not well-formed XML.
    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError.map { "\($0)" } ?? "not well-formed" }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard let index = open.popLast() else { return }
        if name == "title", let parent = open.last { elements[parent].title = elements[index].text }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }

    /// The elements called `name` having every class in `classes`.
    func all(_ name: String, class classes: String...) -> [Element] {
        elements.filter { element in element.name == name && classes.allSatisfy { element.classes.contains($0) } }
    }

    /// The texts of `<text>` elements with class `name`.
    func texts(class name: String) -> [String] { all("text", class: name).map(\.text) }
}
