import ATRepo
import FirehoseTesting
import IPLD
import Testing

@Suite struct RepositoryCARTests {
    struct RepoCase: Sendable, CustomStringConvertible {
        let path: String
        let records: Int?
        var description: String { path }
    }

    static func cases() -> [RepoCase] {
        [
            RepoCase(path: "shrike/benches/fixtures/calabro.car", records: 4347),
            RepoCase(path: "indigo/testing/testdata/paul_staging.repo.car", records: 185),
            RepoCase(path: "indigo/testing/testdata/greenground.repo.car", records: 2),
            RepoCase(path: "indigo/testing/testdata/divy.repo", records: 6),
            RepoCase(path: "indigo/testing/testdata/fakermaker.repo.car", records: 142),
            RepoCase(path: "indigo/atproto/repo/testdata/bnewbold.robocracy.org.20250310005405.car", records: 38),
            RepoCase(path: "indigo/testing/testdata/bafyreieovfuizojpw3zresz7sx3nk4trm2by23pt5rxbey3jme4uo5ogiu.car", records: nil),
            RepoCase(path: "rsky/rsky-repo/resources/test/valid_repo.car", records: 6),
        ]
    }

    @Test func vectorCounts() {
        print("vectors: full repository CARs: \(Self.cases().count) files")
        #expect(Self.cases().count == 8)
    }

    @Test(arguments: cases())
    func importVerifiesEveryNodeAndRecordAndRebuildsToData(_ testCase: RepoCase) throws {
        let car = try TestCAR([UInt8](try Vectors.data(testCase.path)))
        let root = try #require(car.roots.first)
        let repo = try Repository(commit: root, blocks: car.blockMap)
        print("\(testCase.path): v\(repo.commit.version), \(repo.recordCount) records, root layer \(repo.tree.rootLayer ?? -1)")
        if let records = testCase.records { #expect(repo.recordCount == records) }
        #expect(repo.tree.rootCID == repo.commit.data)
    }

    @Test(arguments: cases())
    func exportReimportsToTheSameRoot(_ testCase: RepoCase) throws {
        let car = try TestCAR([UInt8](try Vectors.data(testCase.path)))
        let repo = try Repository(commit: car.roots[0], blocks: car.blockMap)
        let exported = try repo.exportCAR(records: car.blockMap)
        let reread = try TestCAR(exported)
        #expect(reread.roots == [repo.commit.cid])
        #expect(reread.blocks.first?.cid == repo.commit.cid)
        let again = try Repository(commit: reread.roots[0], blocks: reread.blockMap)
        #expect(again.tree.rootCID == repo.commit.data)
        #expect(again.recordCount == repo.recordCount)
        // Exporting again gives identical bytes (a deterministic order).
        #expect(try again.exportCAR(records: reread.blockMap) == exported)
        // The first node after the commit is the root node.
        #expect(reread.blocks.count > 1 && reread.blocks[1].cid == repo.commit.data)
    }

    @Test func partialSliceIsNotAFullRepository() throws {
        let car = try TestCAR([UInt8](try Vectors.data("indigo/testing/testdata/repo_slice.car")))
        #expect(throws: ATRepoError.self) { try Repository(commit: car.roots[0], blocks: car.blockMap) }
        // As a partial tree it loads, with stubs.
        let commit = try Commit(block: try #require(car.blockMap.block(for: car.roots[0])), acceptVersion2: true)
        let tree = try MST(root: commit.data, blocks: car.blockMap)
        #expect(tree.rootCID == commit.data)
        do {
            _ = try tree.entries()
            Issue.record("a walk over a partial tree must need a missing block")
        } catch {
            #expect(error.code == .missingProofBlock)
            #expect(error.cid != nil)
        }
    }
}
