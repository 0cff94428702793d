// A thin Swift wrapper over the C ABI (pumpurs.h): classes that free their
// handle in deinit, `throws` with PumpursError, and Data for the serialized
// protobuf messages of proto/pumpurs/v1 (decode them with swift-protobuf:
// `try Pumpurs_V1_SupportPlan(serializedData: data)`).
//
// Every call blocks the calling thread until the response, an error or the
// deadline: call from a background queue or a detached task, never from the
// main thread. The classes are thread-safe (the C library is), and ARC keeps
// a client alive while any of its calls runs, which is what the C ABI
// requires of a handle.
//
// NOT BUILT OR TESTED on the project's machines (no Swift toolchain there):
// it follows pumpurs.h line by line; see README.md.

import CPumpurs
import Foundation

// MARK: - Errors

/// A failed call: the gRPC code, the server's English message, the
/// machine-readable reason (google.rpc.ErrorInfo, e.g. "ETAG_MISMATCH") and
/// the field violations of a rejected request. Branch on `code` and
/// `reason`, never on `message`.
public struct PumpursError: Error, CustomStringConvertible {
    public struct FieldViolation: Equatable {
        /// The field's path, e.g. "support_plan.problem_description".
        public let field: String
        /// What is wrong with it (English).
        public let description: String
    }

    /// The gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 10 ABORTED,
    /// 14 UNAVAILABLE, 16 UNAUTHENTICATED, ...).
    public let code: Int
    /// The code's name, e.g. "NOT_FOUND".
    public let codeName: String
    /// The reason, e.g. "ETAG_MISMATCH"; "" if none (e.g. no connection).
    public let reason: String
    public let message: String
    public let violations: [FieldViolation]

    public var description: String {
        reason.isEmpty ? "\(codeName): \(message)" : "\(codeName) (\(reason)): \(message)"
    }
}

extension PumpursError {
    /// Copies a pumpurs_error (which the caller still owns). In an
    /// extension so that the memberwise initializer stays.
    init(copying error: OpaquePointer) {
        self.init(
            code: Int(pumpurs_error_code(error)),
            codeName: String(cString: pumpurs_error_code_name(error)),
            reason: String(cString: pumpurs_error_reason(error)),
            message: String(cString: pumpurs_error_message(error)),
            violations: (0..<pumpurs_error_violation_count(error)).map { i in
                FieldViolation(
                    field: String(cString: pumpurs_error_violation_field(error, i)),
                    description: String(cString: pumpurs_error_violation_description(error, i)))
            })
    }
}

/// Throws (and frees) the error a C function returned, if any.
private func check(_ error: OpaquePointer?) throws {
    guard let error = error else { return }
    defer { pumpurs_error_free(error) }
    throw PumpursError(copying: error)
}

/// Runs a C function that writes bytes through out-parameters; returns
/// them as Data (freeing the C copy), or nil if it wrote no pointer.
private func outBytes(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>)
        -> OpaquePointer?
) throws -> Data? {
    var bytes: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    let error = withUnsafeMutablePointer(to: &bytes) { b in
        withUnsafeMutablePointer(to: &size) { s in body(b, s) }
    }
    try check(error)
    guard let pointer = bytes else { return nil }
    defer { pumpurs_bytes_free(pointer) }
    return Data(bytes: pointer, count: size)
}

/// Calls `body` with a pointer to `data`'s bytes (never NULL, as C expects
/// for a non-empty buffer) and its size.
private func withBytes<R>(_ data: Data, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows
    -> R
{
    if data.isEmpty {
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
    return try data.withUnsafeBytes { raw in
        try body(raw.bindMemory(to: UInt8.self).baseAddress!, raw.count)
    }
}

// MARK: - Client

/// A connection to one Pumpurs server. Connects lazily: init succeeds for a
/// server that is down; the first call reports it (UNAVAILABLE).
public final class PumpursClient {
    public struct Options {
        /// "host:port".
        public var target = "127.0.0.1:50051"
        /// PEM roots to verify the server with; nil for plaintext (loopback only).
        public var tlsRootsPEM: String?
        /// Mutual TLS: the client's PEM certificate chain and private key.
        public var clientCertificatePEM: String?
        public var clientKeyPEM: String?
        /// A fixed bearer token (an API key or an access token).
        public var accessToken: String?
        /// A stored session (a serialized Pumpurs_V1_Session): its token is
        /// sent and renewed automatically; store the renewed one (session()),
        /// a refresh token works once. Keep it in the Keychain.
        public var session: Data?
        /// The deadline of every call (default 10 s).
        public var deadline: TimeInterval?
        /// Compress requests with gzip.
        public var gzip = false

        public init() {}
    }

    private let handle: OpaquePointer

    /// The library's version, e.g. "0.7.0".
    public static var version: String { String(cString: pumpurs_version()) }

    public init(_ options: Options = Options()) throws {
        guard let o = pumpurs_options_new() else {
            throw PumpursError(
                code: 8, codeName: "RESOURCE_EXHAUSTED", reason: "",
                message: "out of memory", violations: [])
        }
        defer { pumpurs_options_free(o) }
        pumpurs_options_set_target(o, options.target)
        if let roots = options.tlsRootsPEM { pumpurs_options_set_tls_roots(o, roots) }
        if let cert = options.clientCertificatePEM, let key = options.clientKeyPEM {
            pumpurs_options_set_client_certificate(o, cert, key)
        }
        if let token = options.accessToken { pumpurs_options_set_access_token(o, token) }
        if let session = options.session {
            withBytes(session) { p, n in pumpurs_options_set_session(o, p, n) }
        }
        if let deadline = options.deadline {
            pumpurs_options_set_deadline_ms(o, Int64(deadline * 1000))
        }
        pumpurs_options_set_gzip(o, options.gzip ? 1 : 0)
        var client: OpaquePointer? = nil
        try check(pumpurs_client_new(o, &client))
        handle = client!
    }

    deinit { pumpurs_client_free(handle) }

    /// Signs in; later calls send the session's token and renew it. Returns
    /// the serialized Pumpurs_V1_Session to store (in the Keychain).
    /// Errors: UNAUTHENTICATED (wrong password), RESOURCE_EXHAUSTED (throttled).
    @discardableResult
    public func signIn(username: String, password: String) throws -> Data {
        try outBytes { b, s in pumpurs_client_sign_in(handle, username, password, b, s) } ?? Data()
    }

    /// The current session (serialized Pumpurs_V1_Session), after sign-in or
    /// a renewal; nil if there is none.
    public func session() throws -> Data? {
        try outBytes { b, s in pumpurs_client_session(handle, b, s) }
    }

    /// Any unary RPC by its full name ("/pumpurs.v1.SupportPlanService/
    /// GetSupportPlan") with the serialized request; returns the serialized
    /// response. A create's empty request_id is filled in; reads and creates
    /// are retried on UNAVAILABLE. `deadline` nil: the client's.
    public func call(_ method: String, _ request: Data, deadline: TimeInterval? = nil) throws
        -> Data
    {
        let ms = deadline.map { Int64($0 * 1000) } ?? 0
        return try withBytes(request) { p, n in
            try outBytes { b, s in pumpurs_call(handle, method, p, n, ms, b, s) }
        } ?? Data()
    }

    /// For OfflineStore (same module).
    fileprivate var raw: OpaquePointer { handle }
}

// MARK: - Offline

/// The offline cache and outbox (client-lib offline.h) in a SQLite file,
/// e.g. in Application Support (exclude it from iCloud backup). Messages are
/// serialized Pumpurs_V1_SyncReport, _Change, _OfflineList,
/// _OutboxMutation, _ReplayReport.
public final class OfflineStore {
    private let handle: OpaquePointer

    /// Opens (creating) the store at `path`.
    public init(path: String) throws {
        var store: OpaquePointer? = nil
        try check(pumpurs_offline_open(path, &store))
        handle = store!
    }

    deinit { pumpurs_offline_free(handle) }

    /// Pulls changes since the last sync into the cache; a SyncReport.
    public func sync(_ client: PumpursClient) throws -> Data {
        try withExtendedLifetime(client) {
            try outBytes { b, s in pumpurs_offline_sync(handle, client.raw, b, s) } ?? Data()
        }
    }

    /// A cached resource ("supportPlans/x") as its last synced Change; nil
    /// if it is not cached.
    public func get(_ resource: String) throws -> Data? {
        var found: Int32 = 0
        let bytes = try outBytes { b, s in pumpurs_offline_get(handle, resource, &found, b, s) }
        return found != 0 ? (bytes ?? Data()) : nil
    }

    /// Cached resources whose name starts with `prefix`: an OfflineList
    /// (field `cached`).
    public func list(prefix: String) throws -> Data {
        try outBytes { b, s in pumpurs_offline_list(handle, prefix, b, s) } ?? Data()
    }

    /// Queues a change (a serialized OutboxMutation: method, request,
    /// resource, base_etag); durable before it returns. Returns the queued
    /// entry with its id and request_id.
    public func enqueue(_ mutation: Data) throws -> Data {
        try withBytes(mutation) { p, n in
            try outBytes { b, s in pumpurs_offline_enqueue(handle, p, n, b, s) }
        } ?? Data()
    }

    /// The outbox: an OfflineList (field `mutations`), oldest first.
    public func pending() throws -> Data {
        try outBytes { b, s in pumpurs_offline_pending(handle, b, s) } ?? Data()
    }

    /// Sends the outbox in order; a ReplayReport. Throws only for the
    /// store's own errors: refusals become conflicts, a lost connection
    /// leaves the rest queued (report.remaining).
    public func replay(_ client: PumpursClient) throws -> Data {
        try withExtendedLifetime(client) {
            try outBytes { b, s in pumpurs_offline_replay(handle, client.raw, b, s) } ?? Data()
        }
    }

    /// The conflicts: an OfflineList (field `conflicts`), each with the
    /// server's and the local version.
    public func conflicts() throws -> Data {
        try outBytes { b, s in pumpurs_offline_conflicts(handle, b, s) } ?? Data()
    }

    /// Forgets a resolved conflict (its mutation's id).
    public func dropConflict(_ mutationID: Int64) throws {
        try check(pumpurs_offline_drop_conflict(handle, mutationID))
    }
}
