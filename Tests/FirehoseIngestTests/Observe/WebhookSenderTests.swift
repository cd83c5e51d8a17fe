import BreakwaterNet
import FirehoseIngest
import FirehoseSync
import FirehoseTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// ``WebhookSender`` against a loopback receiver: bounded queue dropping the oldest, retries, refusals, and the
/// shutdown deadline.
@Suite("WebhookSender", .timeLimit(.minutes(1)))
struct WebhookSenderTests {
    static func alert(seq: Int64) -> Alert {
        let line = OutcomeLine(index: Int(seq), seq: seq, type: .commit, did: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", rev: "3mbd3546tx522",
                               outcome: .rejected, reason: .badSignature, detail: "seq \(seq)")
        return Alert(line: line, host: "relay.example", processedAt: 1_700_000_000_000_000)!
    }

    static let quiet: Logger = {
        var logger = Logger(label: "test.webhook")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `sender` under a service group until `until` holds, then shuts the group down gracefully.
    static func run(_ sender: WebhookSender, until: @escaping @Sendable () async throws -> Void) async throws {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: sender)], logger: quiet))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await until()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aFullQueueDropsTheOldestAlertsAndCountsThem() async throws {
        try await WebhookReceiver.with { receiver in
            let sender = WebhookSender(configuration: WebhookConfiguration(url: receiver.url, capacity: 3), logger: Self.quiet)
            for seq in Int64(1)...5 { sender.enqueue(Self.alert(seq: seq)) }
            #expect(sender.queuedCount == 3)
            #expect(sender.droppedCount == 2)
            try await Self.run(sender) { try await receiver.waitForRequests(1) }
            let requests = receiver.requests
            #expect(requests.count == 1)
            #expect(requests.first?.alerts.map { $0["seq"] as? Int } == [3, 4, 5])
            #expect(requests.first?.json["dropped"] as? Int == 2)
            #expect(sender.deliveredCount == 3)
        }
    }

    @Test func failedPostsAreRetriedAndAlertsGoInBatchesInOrder() async throws {
        try await WebhookReceiver.with(answers: [503, 500]) { receiver in
            let configuration = WebhookConfiguration(url: receiver.url, batchSize: 4, backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100)))
            let sender = WebhookSender(configuration: configuration, logger: Self.quiet)
            for seq in Int64(1)...10 { sender.enqueue(Self.alert(seq: seq)) }
            try await Self.run(sender) { try await receiver.waitForRequests(5) }
            let requests = receiver.requests
            #expect(requests.map(\.status) == [503, 500, 200, 200, 200])
            let delivered = requests.filter { $0.status == 200 }.flatMap(\.alerts).map { $0["seq"] as? Int }
            #expect(delivered == (1...10).map { $0 })
            #expect(requests.map(\.alerts.count) == [4, 4, 4, 4, 2])
            #expect(sender.droppedCount == 0)
        }
    }

    @Test func aClientErrorDropsTheBatchWithoutRetrying() async throws {
        try await WebhookReceiver.with(answers: [400]) { receiver in
            let sender = WebhookSender(configuration: WebhookConfiguration(url: receiver.url, batchSize: 2), logger: Self.quiet)
            for seq in Int64(1)...3 { sender.enqueue(Self.alert(seq: seq)) }
            try await Self.run(sender) { try await receiver.waitForRequests(2) }
            #expect(receiver.requests.map(\.status) == [400, 200])
            #expect(receiver.requests.last?.alerts.map { $0["seq"] as? Int } == [3])
            #expect(sender.droppedCount == 2)
        }
    }

    @Test func shutdownStopsRetryingAtTheDeadlineAndDropsWhatIsLeft() async throws {
        try await WebhookReceiver.with(answers: Array(repeating: 500, count: 1000)) { receiver in
            let configuration = WebhookConfiguration(url: receiver.url, batchSize: 5, maxAttempts: 1000,
                                                     backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(200)),
                                                     shutdownDeadline: .milliseconds(500))
            let sender = WebhookSender(configuration: configuration, logger: Self.quiet)
            for seq in Int64(1)...12 { sender.enqueue(Self.alert(seq: seq)) }
            let started = ContinuousClock.now
            try await Self.run(sender) { try await receiver.waitForRequests(1) }
            // The deadline ended the retries (1000 attempts would take minutes).
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(sender.droppedCount == 12)
            #expect(sender.deliveredCount == 0)
            #expect(sender.queuedCount == 0)
        }
    }

    @Test func theGiveUpMessageCountsTheAttemptsReallyMade() async throws {
        let captured = CapturedLog()
        let logger: Logger = {
            var logger = Logger(label: "test.webhook") { _ in captured }
            logger.logLevel = .warning
            return logger
        }()
        try await WebhookReceiver.with(answers: Array(repeating: 500, count: 1000)) { receiver in
            let configuration = WebhookConfiguration(url: receiver.url, batchSize: 5, maxAttempts: 1000,
                                                     backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(200)),
                                                     shutdownDeadline: .milliseconds(500))
            let sender = WebhookSender(configuration: configuration, logger: logger)
            for seq in Int64(1)...3 { sender.enqueue(Self.alert(seq: seq)) }
            try await Self.run(sender) { try await receiver.waitForRequests(2) }
        }
        let reasons = captured.records.filter { $0.message == "webhook alerts dropped" }.compactMap { $0.metadata["webhook.reason"] }
        #expect(!reasons.isEmpty)
        for reason in reasons {
            #expect(!reason.contains("1000 attempts"), "\(reason)")
            #expect(reason.contains("gave up after "), "\(reason)")
        }
        // Delays are rounded for people: `0.1 s`, not a Duration's sixteen digits.
        for delay in captured.records.compactMap({ $0.metadata["webhook.delay"] }) {
            #expect(delay.range(of: #"^\d+\.\d s$"#, options: .regularExpression) != nil, "\(delay)")
        }
    }
}

/// A log handler that keeps every record (message and metadata as text) for a test to read.
final class CapturedLog: LogHandler, @unchecked Sendable {
    struct Record {
        var message: String
        var metadata: [String: String]
    }
    private let lock = NSLock()
    private var stored: [Record] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var records: [Record] { lock.withLock { stored } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let record = Record(message: event.message.description,
                            metadata: (event.metadata ?? [:]).mapValues { "\($0)" })
        lock.withLock { stored.append(record) }
    }
}

extension WebhookSender {
    /// A sender posting over HTTP, as `consume --webhook` makes it.
    convenience init(configuration: WebhookConfiguration, logger: Logger) {
        self.init(configuration: configuration,
                  transport: WebhookClient(url: configuration.url, requestTimeout: configuration.requestTimeout, logger: logger),
                  logger: logger)
    }
}
