import FirehoseSync
import ATSyntax
import Foundation
import IPLD
import NIOCore
import NIOHTTP1

extension RelayServer {
    /// `GET /xrpc/com.atproto.sync.getBlob?did=&cid=`: the file `cid` of ``RelayServerConfiguration/blobsDirectory``
    /// (layout of ``BlobAddress``), streamed as `application/octet-stream`; 400 for a bad DID or CID, 404
    /// `BlobNotFound` otherwise. The DID is checked for syntax only (the folder is shared by all accounts).
    func sendBlob(did didText: String?, cid cidText: String?, request: HTTPRequestHead,
                  outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        guard let didText, (try? DID(didText)) != nil else {
            return try await sendBlobError(.badRequest, "InvalidRequest", "did must be a valid DID", request: request, outbound: outbound)
        }
        guard let cidText, let cid = try? CID(string: cidText) else {
            return try await sendBlobError(.badRequest, "InvalidRequest", "cid must be a valid CID", request: request, outbound: outbound)
        }
        guard let folder = configuration.blobsDirectory,
              let handle = FileHandle(forReadingAtPath: folder + "/" + BlobAddress.relativePath(for: cid)),
              let size = try? handle.seekToEnd(), (try? handle.seek(toOffset: 0)) != nil else {
            return try await sendBlobError(.notFound, "BlobNotFound", "Blob not found: \(cidText)", request: request, outbound: outbound)
        }
        defer { try? handle.close() }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/octet-stream")
        headers.add(name: "Content-Length", value: String(size))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers)))
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
        }
        try await outbound.write(.end(nil))
    }

    private func sendBlobError(_ status: HTTPResponseStatus, _ error: String, _ message: String, request: HTTPRequestHead,
                               outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let body = (try? JSONSerialization.data(withJSONObject: ["error": error, "message": message], options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await outbound.write(.end(nil))
    }
}
