import IPLD
import Testing

/// The bounded cache: random operations agree with a plain ordered-array model; the insertion-ordered use.
@Suite struct BoundedLRUTests {
    /// The reference: entries ordered most recently used first, evicting from the end.
    struct Model {
        let capacity: Int
        var entries: [(key: Int, value: Int)] = []

        func position(_ key: Int) -> Int? { entries.firstIndex { $0.key == key } }
        func peek(_ key: Int) -> Int? { position(key).map { entries[$0].value } }

        mutating func value(for key: Int) -> Int? {
            guard let at = position(key) else { return nil }
            let entry = entries.remove(at: at)
            entries.insert(entry, at: 0)
            return entry.value
        }

        mutating func insertNew(_ value: Int, for key: Int) -> (key: Int, value: Int)? {
            let evicted = entries.count >= capacity ? entries.removeLast() : nil
            entries.insert((key, value), at: 0)
            return evicted
        }

        mutating func set(_ value: Int, for key: Int) -> (key: Int, value: Int)? {
            if let at = position(key) {
                entries.remove(at: at)
                entries.insert((key, value), at: 0)
                return nil
            }
            return insertNew(value, for: key)
        }

        mutating func assign(_ value: Int?, for key: Int) {
            guard let value else {
                _ = remove(key)
                return
            }
            if let at = position(key) { entries[at].value = value } else { _ = insertNew(value, for: key) }
        }

        mutating func remove(_ key: Int) -> Int? { position(key).map { entries.remove(at: $0).value } }
    }

    @Test(arguments: [1, 2, 3, 8])
    func randomOperationsAgreeWithThePlainModel(capacity: Int) {
        var random = SplitMix64(seed: UInt64(capacity) &* 7919)
        var cache = BoundedLRU<Int, Int>(capacity: capacity)
        var model = Model(capacity: capacity)
        for step in 0..<5_000 {
            let key = Int.random(in: 0..<(capacity * 2 + 2), using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0:
                #expect(cache.value(for: key) == model.value(for: key), "step \(step)")
            case 1:
                #expect(cache.peek(key) == model.peek(key), "step \(step)")
            case 2:
                let cacheEvicted = cache.set(step, for: key)
                let modelEvicted = model.set(step, for: key)
                #expect(cacheEvicted?.key == modelEvicted?.key && cacheEvicted?.value == modelEvicted?.value, "step \(step)")
            case 3:
                cache[key] = step
                model.assign(step, for: key)
            case 4:
                cache[key] = nil
                model.assign(nil, for: key)
            case 5:
                #expect(cache.remove(key) == model.remove(key), "step \(step)")
            default:
                #expect(cache[key] == model.peek(key) && cache.contains(key) == (model.position(key) != nil), "step \(step)")
            }
            #expect(cache.count == model.entries.count && cache.count <= capacity, "step \(step)")
        }
        for key in 0..<(capacity * 2 + 2) { #expect(cache.peek(key) == model.peek(key)) }
        cache.removeAll()
        #expect(cache.count == 0 && cache.peek(0) == nil)
    }

    @Test func theSubscriptForgetsTheOldestInsertedKeyFirstAndAReinsertedKeyCountsFromItsNewInsertion() {
        var keys = BoundedLRU<String, Int>(capacity: 3)
        keys["a"] = 1
        keys["b"] = 2
        keys["a"] = nil
        keys["a"] = 3  // inserted again: now the newest
        keys["c"] = 4
        #expect(keys.count == 3 && keys.contains("a") && keys.contains("b") && keys.contains("c"))
        keys["d"] = 5  // over capacity: "b" is the oldest live key
        #expect(!keys.contains("b"))
        #expect(keys["a"] == 3 && keys["c"] == 4 && keys["d"] == 5)
        keys["c"] = 6  // an update keeps its place
        keys["e"] = 7
        #expect(!keys.contains("a") && keys["c"] == 6 && keys.count == 3)
    }

    @Test func readingThroughValueForMakesAKeyTheMostRecent() {
        var cache = BoundedLRU<String, Int>(capacity: 2)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        _ = cache.value(for: "a")
        let evicted = cache.set(3, for: "c")
        #expect(evicted?.key == "b" && evicted?.value == 2)
        #expect(cache.contains("a") && cache.contains("c"))
    }
}
