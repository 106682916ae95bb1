import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Synchronization
import CrmqArrow
import CrmqEngine

/// A client of one Spark Connect server (grpc-swift-2 over HTTP/2): a query runs as one
/// `ExecutePlan` whose plan is a SQL relation, and the Arrow batches streamed back become a
/// crmq table; `cancel()` sends `Interrupt` for the running operation. Calls are synchronous,
/// as crmq's statements are.
public final class SparkConnectClient: @unchecked Sendable {
    public let url: SparkConnectURL
    private let sessionID: String
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, Never>
    private let running = Mutex<String?>(nil)

    /// What went wrong, as crmq says it: the server's message for a failed query, or why the
    /// server could not be reached.
    public struct Failure: Error, Equatable, Sendable {
        public var message: String
        public var cancelled = false
    }

    public init(_ url: SparkConnectURL) throws(Failure) {
        self.url = url
        sessionID = url.sessionID ?? UUID().uuidString.lowercased()
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: url.host, port: url.port),
                transportSecurity: url.useSSL ? .tls : .plaintext)
            client = GRPCClient(transport: transport)
        } catch {
            throw Failure(message: "cannot reach \(url.shown): \(error)")
        }
        let client = self.client
        connections = Task(executorPreference: AsyncBridge.executor) {
            try? await client.runConnections()
        }
    }

    deinit {
        client.beginGracefulShutdown()
        connections.cancel()
    }

    private var metadata: Metadata {
        var m: Metadata = ["user-agent": "crmq"]
        if let token = url.token { m.addString("Bearer \(token)", forKey: "authorization") }
        for (k, v) in url.metadata { m.addString(v, forKey: k) }
        return m
    }

    /// The rows of `query`, a Spark SQL query. `cancellation` is polled while waiting; when it
    /// is set, the operation is interrupted on the server and `Failure.cancelled` thrown.
    public func query(_ query: String, cancellation: CancellationFlag) throws(Failure) -> Table {
        var plan = Spark_Connect_Plan()
        plan.root.sql.query = query
        let streams = try execute(plan, cancellation: cancellation)
        let decoded = Result { () throws(ArrowFormatError) -> Table in
            try ArrowReader.read(streams: streams, maxColumns: 16_384, cancellation: cancellation)
        }
        switch decoded {
        case .success(let table): return table
        case .failure(let e): throw Failure(message: "the result from \(url.shown) is not Arrow crmq reads: \(e.reason)")
        }
    }

    /// The most bytes of Arrow one request carries (`createView`): below the server's
    /// default limit on a message it receives (spark.connect.grpc.maxInboundMessageSize,
    /// 128 MiB) with room to spare.
    public static let maxRequestBytes = 96 << 20

    /// Makes `arrow`, an Arrow IPC stream, the temporary view `name` of this session (a
    /// local relation: the rows travel in the request; at most `maxRequestBytes`), replacing
    /// a view of that name.
    public func createView(_ name: String, arrow: [UInt8], cancellation: CancellationFlag) throws(Failure) {
        var plan = Spark_Connect_Plan()
        plan.command.createDataframeView.input.localRelation.data = Data(arrow)
        plan.command.createDataframeView.name = name
        plan.command.createDataframeView.isGlobal = false
        plan.command.createDataframeView.replace = true
        _ = try execute(plan, cancellation: cancellation)
    }

    /// Runs `plan` as one ExecutePlan and returns the Arrow streams of its result (none for a
    /// command).
    private func execute(_ plan: Spark_Connect_Plan, cancellation: CancellationFlag) throws(Failure) -> [[UInt8]] {
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext.userID = url.userID
        request.clientType = "crmq"
        let operation = UUID().uuidString.lowercased()
        request.operationID = operation
        request.plan = plan
        var options = CallOptions.defaults
        options.maxResponseMessageBytes = 256 << 20
        options.maxRequestMessageBytes = Self.maxRequestBytes + (1 << 20)
        let client = Spark_Connect_SparkConnectService.Client(wrapping: self.client)
        let metadata = self.metadata
        let (sent, callOptions) = (request, options)
        running.withLock { $0 = operation }
        defer { running.withLock { $0 = nil } }
        let outcome: Result<[[UInt8]], any Error> = AsyncBridge.wait(whileWaiting: {
            if cancellation.isCancelled { self.interrupt(operation) }
        }) {
            try await client.executePlan(sent, metadata: metadata, options: callOptions) { response in
                var streams: [[UInt8]] = []
                for try await message in response.messages {
                    if case .arrowBatch(let batch)? = message.responseType { streams.append(Array(batch.data)) }
                }
                return streams
            }
        }
        switch outcome {
        case .success(let streams):
            if cancellation.isCancelled { throw Failure(message: "cancelled", cancelled: true) }
            return streams
        case .failure(let error):
            if cancellation.isCancelled { throw Failure(message: "cancelled", cancelled: true) }
            throw Failure(message: Self.describe(error, url: url))
        }
    }

    /// Asks the server to stop the operation (best effort, in the background).
    private func interrupt(_ operation: String) {
        var request = Spark_Connect_InterruptRequest()
        request.sessionID = sessionID
        request.userContext.userID = url.userID
        request.clientType = "crmq"
        request.interruptType = .operationID
        request.operationID = operation
        let client = Spark_Connect_SparkConnectService.Client(wrapping: self.client)
        let metadata = self.metadata
        let sent = request
        Task(executorPreference: AsyncBridge.executor) {
            _ = try? await client.interrupt(sent, metadata: metadata)
        }
    }

    /// Ends the server's session of this client (`ReleaseSession`), which frees what the
    /// server keeps for it (its temporary views, cached plans) at once instead of after the
    /// server's idle timeout; a session named in the URL (`;session_id=`) may be shared, and
    /// is left alone. Best effort, waiting at most 5 s: the server may be gone.
    public func release() {
        guard url.sessionID == nil else { return }
        var request = Spark_Connect_ReleaseSessionRequest()
        request.sessionID = sessionID
        request.userContext.userID = url.userID
        request.clientType = "crmq"
        var options = CallOptions.defaults
        options.timeout = .seconds(5)
        let client = Spark_Connect_SparkConnectService.Client(wrapping: self.client)
        let (sent, metadata, callOptions) = (request, self.metadata, options)
        _ = AsyncBridge.wait(whileWaiting: {}) {
            _ = try await client.releaseSession(sent, metadata: metadata, options: callOptions)
        }
    }

    /// Interrupts the running query, if any (Ctrl-C from another thread).
    public func cancel() {
        if let operation = running.withLock({ $0 }) { interrupt(operation) }
    }

    /// The message of a failed call: the server's text for an RPC error (Spark puts the
    /// exception's message there), else the error.
    static func describe(_ error: any Error, url: SparkConnectURL) -> String {
        if let rpc = error as? RPCError {
            switch rpc.code {
            case .unavailable: return "cannot reach the Spark Connect server at \(url.shown): \(rpc.message)"
            case .unauthenticated, .permissionDenied: return "\(url.shown) refused the credentials: \(rpc.message)"
            default: return rpc.message
            }
        }
        return "\(error)"
    }
}
