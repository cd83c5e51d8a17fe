import ArgumentParser
import BreakwaterService
import ATSyntax
import FirehoseSync
import Foundation
import IPLD

/// `breakwater mirror records DID`: stored records as JSON lines `{uri, cid, value}` in (collection, rkey) order.
struct MirrorRecords: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "List mirrored records as JSON lines {uri, cid, value}, then {\"cursor\": …} when more remain."
    )

    @Argument(help: "The account DID.")
    var did: String

    @Option(help: ArgumentHelp("Only this collection.", valueName: "nsid"))
    var collection: String?

    @Option(help: "At most this many records.")
    var limit: Int = 100

    @Option(help: ArgumentHelp("Continue after this cursor (COLLECTION/RKEY, from a previous page).", valueName: "cursor"))
    var cursor: String?

    @Flag(help: "Print one JSON object {records, cursor} instead of JSON lines.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if let cursor, !cursor.contains("/") { throw ValidationError("--cursor must be COLLECTION/RKEY") }
    }

    func run() throws {
        let store = try database.openReadOnly()
        guard try store.mirrors.mirror(did: did) != nil else {
            throw OperationalError("mirror-not-found", "\(did) is not mirrored")
        }
        let page = try store.mirrors.records(did: did, collection: collection, after: cursor, limit: limit)
        let next = page.count == limit ? page.last?.cursor : nil
        let values = try page.map(MirrorRecordJSON.value(_:))
        if json {
            var object: [String: IPLDValue] = ["records": .list(values)]
            if let next { object["cursor"] = .string(next) }
            CLISupport.printOutput(AtprotoJSON.serialize(.map(object), pretty: true))
        } else {
            for value in values { CLISupport.printOutput(AtprotoJSON.serialize(value)) }
            if let next { CLISupport.printOutput(AtprotoJSON.serialize(.map(["cursor": .string(next)]))) }
        }
    }
}

/// `breakwater mirror get at://DID/COLLECTION/RKEY`: one record as atproto JSON with its CID.
struct MirrorGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one mirrored record as atproto JSON.")

    @Argument(help: "The record's at:// URI (with a DID authority).")
    var uri: String

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let parsed: ATURI
        do { parsed = try ATURI(uri) } catch { throw ValidationError("\(uri) is not an at:// URI: \(error)") }
        guard let did = parsed.authority.did, let collection = parsed.collection, let rkey = parsed.recordKey else {
            throw ValidationError("\(uri) must be at://DID/COLLECTION/RKEY")
        }
        let store = try database.openReadOnly()
        guard let record = try store.mirrors.record(did: did.description, collection: collection.description, rkey: rkey.description) else {
            if try store.mirrors.mirror(did: did.description) == nil {
                throw OperationalError("mirror-not-found", "\(did) is not mirrored")
            }
            throw OperationalError("record-not-found", "\(uri) is not in the mirror")
        }
        CLISupport.printOutput(AtprotoJSON.serialize(try MirrorRecordJSON.value(record), pretty: true))
    }
}
