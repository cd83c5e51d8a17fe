import FirehoseSync
import ATSyntax
import Foundation
import NIOCore
import NIOHTTP1

extension RelayServer {
    /// Plain HTTP requests (keep-alive honoured): `GET /{did}`, `getRepo`, `_health`, and a refusal for
    /// `subscribeRepos` without an upgrade.
    func serveHTTP(_ channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                case .body:
                    continue  // request bodies are not used
                case .end:
                    guard let request = head else { return }
                    head = nil
                    try await respond(to: request, outbound: outbound)
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    private func respond(to request: HTTPRequestHead, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        guard request.method == .GET else {
            return try await send(.methodNotAllowed, json: XRPCError("InvalidRequest", "only GET is served"), request: request, outbound: outbound)
        }
        let target = RequestTarget(request.uri)
        switch target.path {
        case "/xrpc/_health":
            try await send(.ok, json: ["version": "breakwater serve"], request: request, outbound: outbound)
        case SubscribeRepos.path:
            if case .failure(let error) = target.cursor {
                try await send(.badRequest, json: XRPCError("InvalidRequest", error.reason), request: request, outbound: outbound)
            } else {
                try await send(.upgradeRequired, json: XRPCError("InvalidRequest", "a WebSocket upgrade is required"), request: request, outbound: outbound)
            }
        case "/xrpc/com.atproto.sync.getRepo":
            try await sendRepo(target.query["did"], request: request, outbound: outbound)
        case "/xrpc/com.atproto.sync.getBlob":
            try await sendBlob(did: target.query["did"], cid: target.query["cid"], request: request, outbound: outbound)
        case let path where path.hasPrefix("/xrpc/"):
            try await send(.notImplemented, json: XRPCError("MethodNotImplemented", "\(path.dropFirst(6)) is not served"), request: request, outbound: outbound)
        case let path where path.hasPrefix("/did:"):
            let did = String(path.dropFirst())
            if let document = documents.documents[did] {
                try await send(.ok, body: ByteBuffer(bytes: document), contentType: "application/did+ld+json", request: request, outbound: outbound)
            } else {
                try await send(.notFound, json: ["message": "DID not registered: \(did)"], request: request, outbound: outbound)
            }
        default:
            try await send(.notFound, json: XRPCError("NotFound", "no such resource"), request: request, outbound: outbound)
        }
    }

    private func sendRepo(_ didText: String?, request: HTTPRequestHead, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        guard let didText, let did = try? DID(didText) else {
            return try await send(.badRequest, json: XRPCError("InvalidRequest", "did must be a valid DID"), request: request, outbound: outbound)
        }
        let name = did.description.replacingOccurrences(of: ":", with: "_") + ".car"
        guard let folder = configuration.reposDirectory, !name.contains("/"),
              let handle = FileHandle(forReadingAtPath: URL(fileURLWithPath: folder).appendingPathComponent(name).path),
              let size = try? handle.seekToEnd(), (try? handle.seek(toOffset: 0)) != nil else {
            return try await send(.notFound, json: XRPCError("RepoNotFound", "Could not find repo for DID: \(did)"), request: request, outbound: outbound)
        }
        defer { try? handle.close() }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/vnd.ipld.car")
        headers.add(name: "Content-Length", value: String(size))
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers)))
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
        }
        try await outbound.write(.end(nil))
    }

    private func XRPCError(_ error: String, _ message: String) -> [String: String] { ["error": error, "message": message] }

    private func send(_ status: HTTPResponseStatus, json: [String: String], request: HTTPRequestHead,
                      outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
        try await send(status, body: ByteBuffer(bytes: data), contentType: "application/json", request: request, outbound: outbound)
    }

    private func send(_ status: HTTPResponseStatus, body: ByteBuffer, contentType: String, request: HTTPRequestHead,
                      outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(body)))
        try await outbound.write(.end(nil))
    }
}
