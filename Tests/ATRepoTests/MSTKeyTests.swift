import ATRepo
import FirehoseTesting
import Testing

@Suite struct MSTKeyTests {
    struct HeightCase: Sendable, CustomStringConvertible {
        let key: String
        let height: Int
        var description: String { "\(key) → \(height)" }
    }

    static func keyHeightCases() -> [HeightCase] {
        Fixture.array("interop/mst/key_heights.json").map { HeightCase(key: $0["key"] as! String, height: $0["height"] as! Int) }
    }

    static func exampleKeyCases() -> [HeightCase] {
        ((try? Vectors.lines("interop/mst/example_keys.txt")) ?? []).filter { $0.count >= 3 }.map {
            HeightCase(key: $0, height: Int(String(Array($0)[1]))!)
        }
    }

    struct PrefixCase: Sendable, CustomStringConvertible {
        let left: String
        let right: String
        let length: Int
        var description: String { "\(left.debugDescription) \(right.debugDescription) → \(length)" }
    }

    static func prefixCases() -> [PrefixCase] {
        Fixture.array("interop/mst/common_prefix.json").map {
            PrefixCase(left: $0["left"] as! String, right: $0["right"] as! String, length: $0["len"] as! Int)
        }
    }

    @Test func vectorCounts() {
        print("vectors: interop/mst/key_heights.json: \(Self.keyHeightCases().count) cases")
        print("vectors: interop/mst/example_keys.txt: \(Self.exampleKeyCases().count) cases")
        print("vectors: interop/mst/common_prefix.json: \(Self.prefixCases().count) cases")
        #expect(Self.keyHeightCases().count == 9)
        #expect(Self.exampleKeyCases().count == 156)
        #expect(Self.prefixCases().count == 13)
    }

    @Test(arguments: keyHeightCases())
    func keyLayerIsLeadingZeroBitPairsOfSHA256(_ testCase: HeightCase) {
        #expect(MSTKey.layer(of: Array(testCase.key.utf8)) == testCase.height)
    }

    @Test(arguments: exampleKeyCases())
    func exampleKeysHaveTheirMinedLayer(_ testCase: HeightCase) {
        #expect(MSTKey.layer(of: Array(testCase.key.utf8)) == testCase.height)
    }

    @Test(arguments: prefixCases())
    func commonPrefixIsCountedInBytes(_ testCase: PrefixCase) {
        #expect(MSTKey.commonPrefixLength(Array(testCase.left.utf8), Array(testCase.right.utf8)) == testCase.length)
    }

    @Test func wideCharactersCountBytes() {
        #expect(MSTKey.commonPrefixLength(Array("jalapeño".utf8), Array("jalapeno".utf8)) == 6)
    }
}
