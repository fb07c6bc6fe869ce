import ApusServe
import Testing

@Suite struct ServeConfigurationTests {
    @Test func listensOnLoopbackUnlessToldOtherwise() {
        #expect(ServeConfiguration().host == "127.0.0.1")
    }
}
