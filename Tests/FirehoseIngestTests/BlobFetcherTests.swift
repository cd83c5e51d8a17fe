import BreakwaterNet
import FirehoseIngest
import FirehoseRelay
import FirehoseSync
import Foundation
import IPLD
import Testing

/// `getBlob` over a real socket on 127.0.0.1: `serve --blobs` on one side, ``BlobFetcher`` and ``BlobStore``
/// on the other.
@Suite("BlobFetcher", .timeLimit(.minutes(1)))
struct BlobFetcherTests {
    static let did = "did:plc:blobtestaccount000000000"

    /// A fresh folder, served as the PDS's blobs, and another one to fetch into.
    struct Folders {
        let served = FileManager.default.temporaryDirectory.appendingPathComponent("bw-blobs-served-\(UUID().uuidString)").path
        let fetched = FileManager.default.temporaryDirectory.appendingPathComponent("bw-blobs-fetched-\(UUID().uuidString)").path

        func cleanUp() {
            try? FileManager.default.removeItem(atPath: served)
            try? FileManager.default.removeItem(atPath: fetched)
        }

        /// Puts `bytes` in the served folder under the name of `cid` (verified or not: tests tamper with it).
        func serve(_ bytes: [UInt8], as cid: CID) throws {
            let path = BlobStore(root: served).path(for: cid)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
    }

    static func blob(_ size: Int, seed: UInt8 = 1) -> (bytes: [UInt8], cid: CID) {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
        return (bytes, CID.compute(for: bytes, codec: .raw))
    }

    func withServer<T: Sendable>(_ folders: Folders, _ body: @Sendable (String) async throws -> T) async throws -> T {
        var configuration = RelayServerConfiguration(recording: SynthRecording.clean.location)
        configuration.blobsDirectory = folders.served
        return try await LiveTest.withServer(configuration) { server in try await body("http://127.0.0.1:\(server.port)") }
    }

    static func fetcher(maxBlobBytes: Int = 1 << 20, loopback: Bool = true) -> BlobFetcher {
        BlobFetcher(configuration: BlobFetcher.Configuration(maxBlobBytes: maxBlobBytes, timeout: .seconds(10), allowHTTPLoopback: loopback),
                    logger: LiveTest.logger)
    }

    func expectFailure(_ code: NetError.Code, maxBlobBytes: Int = 1 << 20, serving: (Folders) throws -> CID) async throws {
        let folders = Folders()
        defer { folders.cleanUp() }
        let cid = try serving(folders)
        let result: NetError? = try await withServer(folders) { pds in
            let fetcher = Self.fetcher(maxBlobBytes: maxBlobBytes)
            var failure: NetError? = nil
            do throws(NetError) {
                _ = try await fetcher.fetch(did: Self.did, cid: cid, pds: pds)
            } catch {
                failure = error
            }
            await fetcher.shutdown()
            return failure
        }
        #expect(result?.code == code, "\(String(describing: result))")
    }

    @Test func aGoodBlobIsFetchedVerifiedAndStoredAtomically() async throws {
        let folders = Folders()
        defer { folders.cleanUp() }
        let (bytes, cid) = Self.blob(70_000)
        try folders.serve(bytes, as: cid)
        let references = [BlobReference(cid: cid, mimeType: "image/jpeg", size: Int64(bytes.count))]
        let store = BlobStore(root: folders.fetched)
        let (first, second) = try await withServer(folders) { pds in
            let fetcher = Self.fetcher()
            let first = await store.fetchMissing(did: Self.did, references: references, pds: pds, from: fetcher)
            let second = await store.fetchMissing(did: Self.did, references: references, pds: pds, from: fetcher)
            await fetcher.shutdown()
            return (first, second)
        }
        #expect(first.fetched == 1 && first.failures.isEmpty && first.fetchedBytes == bytes.count)
        #expect(second.present == 1 && second.fetched == 0)
        #expect(store.read(cid) == bytes)
        let path = store.path(for: cid)
        #expect(path == "\(folders.fetched)/\(cid.string.prefix(2))/\(cid.string)")
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(siblings == [cid.string], "no temporary file is left behind")
    }

    @Test func bytesThatDoNotHashToTheCIDAreABlobCIDMismatch() async throws {
        try await expectFailure(.blobCIDMismatch) { folders in
            let (bytes, cid) = Self.blob(5_000)
            var tampered = bytes
            tampered[100] ^= 0xff
            try folders.serve(tampered, as: cid)
            return cid
        }
    }

    @Test func anUnknownBlobIsBlobNotFound() async throws {
        try await expectFailure(.blobNotFound) { _ in Self.blob(10).cid }
    }

    @Test func aBlobAboveTheSizeCapIsBlobTooLarge() async throws {
        try await expectFailure(.blobTooLarge, maxBlobBytes: 4_096) { folders in
            let (bytes, cid) = Self.blob(10_000)
            try folders.serve(bytes, as: cid)
            return cid
        }
    }

    @Test func loopbackIsRefusedUnlessAllowed() async throws {
        let folders = Folders()
        defer { folders.cleanUp() }
        let (bytes, cid) = Self.blob(100)
        try folders.serve(bytes, as: cid)
        let result: NetError? = try await withServer(folders) { pds in
            let fetcher = Self.fetcher(loopback: false)
            var failure: NetError? = nil
            do throws(NetError) {
                _ = try await fetcher.fetch(did: Self.did, cid: cid, pds: pds)
            } catch {
                failure = error
            }
            await fetcher.shutdown()
            return failure
        }
        #expect(result?.code == .blobFetchFailed && result?.reason.contains("https") == true, "\(String(describing: result))")
    }

    @Test func aNonRawCIDAndADeclaredOversizeAreRefusedWithoutARequest() async throws {
        let folders = Folders()
        defer { folders.cleanUp() }
        let (bytes, cid) = Self.blob(100)
        let dagCBOR = CID.compute(for: bytes, codec: .dagCBOR)
        let store = BlobStore(root: folders.fetched)
        // An unreachable PDS: nothing may be requested.
        let fetcher = Self.fetcher(maxBlobBytes: 50)
        let report = await store.fetchMissing(
            did: Self.did,
            references: [BlobReference(cid: dagCBOR, mimeType: "image/png", size: 100), BlobReference(cid: cid, mimeType: "image/png", size: 100)],
            pds: "http://127.0.0.1:1", from: fetcher)
        await fetcher.shutdown()
        #expect(report.failures.map(\.error.codeName) == ["blob-cid-mismatch", "blob-too-large"])
        #expect(throws: IngestError.self) { try store.write(bytes, for: dagCBOR) }
    }
}
