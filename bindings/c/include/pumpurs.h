/*
 * pumpurs.h — the C ABI of the Pumpurs client library, for apps in any
 * language with a C foreign-function interface (Swift, Kotlin/Java via JNI,
 * Dart, Python).
 *
 * Conventions
 *  - Every name starts with pumpurs_ / PUMPURS_. Handles are opaque.
 *  - A function that can fail returns a pumpurs_error* : NULL on success,
 *    otherwise an error the caller frees with pumpurs_error_free. Results
 *    are written through out-parameters only on success.
 *  - Requests and responses cross as serialized protocol buffers of the
 *    messages in proto/pumpurs/v1/ (apps use their own protobuf runtime).
 *    Returned bytes are freed with pumpurs_bytes_free.
 *  - Every object returned has a _free function; _free(NULL) is a no-op.
 *  - Strings are UTF-8 and NUL-terminated; the library copies what it
 *    keeps, so the caller may free its arguments after the call returns.
 *  - Calls block the calling thread. Asynchronous calls deliver their
 *    result into a pumpurs_queue that the app drains on its own thread
 *    (pumpurs_queue_next / pumpurs_queue_run): app code never runs on a
 *    gRPC thread.
 *  - Thread-safe: a client, a queue and an offline store may be used from
 *    several threads at once. A handle must outlive the calls using it.
 *  - No C++ exception crosses this boundary.
 */
#ifndef PUMPURS_H_
#define PUMPURS_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define PUMPURS_API __declspec(dllexport)
#else
#define PUMPURS_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pumpurs_error pumpurs_error;
typedef struct pumpurs_options pumpurs_options;
typedef struct pumpurs_client pumpurs_client;
typedef struct pumpurs_queue pumpurs_queue;
typedef struct pumpurs_result pumpurs_result;
typedef struct pumpurs_offline pumpurs_offline;

/* The library's version, e.g. "0.7.0" (static storage). */
PUMPURS_API const char* pumpurs_version(void);

/* Frees bytes the library returned. */
PUMPURS_API void pumpurs_bytes_free(uint8_t* bytes);

/* ---- errors ---- */

/* The gRPC status code (1 CANCELLED ... 16 UNAUTHENTICATED). */
PUMPURS_API int pumpurs_error_code(const pumpurs_error* error);
/* The code's name, e.g. "INVALID_ARGUMENT" (static storage). */
PUMPURS_API const char* pumpurs_error_code_name(const pumpurs_error* error);
/* The English message; valid until the error is freed. */
PUMPURS_API const char* pumpurs_error_message(const pumpurs_error* error);
/* The machine-readable reason (google.rpc.ErrorInfo), e.g. "ETAG_MISMATCH";
 * "" if none. Valid until the error is freed. */
PUMPURS_API const char* pumpurs_error_reason(const pumpurs_error* error);
/* Field violations (google.rpc.BadRequest) of a rejected request. */
PUMPURS_API size_t pumpurs_error_violation_count(const pumpurs_error* error);
PUMPURS_API const char* pumpurs_error_violation_field(
    const pumpurs_error* error, size_t index);
PUMPURS_API const char* pumpurs_error_violation_description(
    const pumpurs_error* error, size_t index);
PUMPURS_API void pumpurs_error_free(pumpurs_error* error);

/* ---- options ---- */

PUMPURS_API pumpurs_options* pumpurs_options_new(void);
PUMPURS_API void pumpurs_options_free(pumpurs_options* options);
/* "host:port" (default "127.0.0.1:50051"). */
PUMPURS_API void pumpurs_options_set_target(pumpurs_options* options,
                                            const char* target);
/* PEM roots to verify the server with; NULL or "" for plaintext
 * (loopback only). */
PUMPURS_API void pumpurs_options_set_tls_roots(pumpurs_options* options,
                                               const char* pem);
/* Mutual TLS: the client's PEM certificate chain and private key. */
PUMPURS_API void pumpurs_options_set_client_certificate(
    pumpurs_options* options, const char* cert_pem, const char* key_pem);
/* A fixed bearer token (an API key, or an access token). */
PUMPURS_API void pumpurs_options_set_access_token(pumpurs_options* options,
                                                  const char* token);
/* A signed-in session (a serialized pumpurs.v1.Session): its access token
 * is sent and renewed automatically; read the renewed one with
 * pumpurs_client_session to store it. */
PUMPURS_API void pumpurs_options_set_session(pumpurs_options* options,
                                             const uint8_t* session,
                                             size_t session_size);
/* The deadline of every call, in milliseconds (default 10000). */
PUMPURS_API void pumpurs_options_set_deadline_ms(pumpurs_options* options,
                                                 int64_t milliseconds);
/* Compress requests with gzip (0 or 1). */
PUMPURS_API void pumpurs_options_set_gzip(pumpurs_options* options,
                                          int enabled);

/* ---- the client ---- */

/* Makes a client (connects lazily: succeeds for a server that is down). */
PUMPURS_API pumpurs_error* pumpurs_client_new(const pumpurs_options* options,
                                              pumpurs_client** client);
/* REQUIRES: no call on the client in progress. */
PUMPURS_API void pumpurs_client_free(pumpurs_client* client);

/* Signs in; the client keeps the session (see pumpurs_options_set_session).
 * Writes the serialized pumpurs.v1.Session. */
PUMPURS_API pumpurs_error* pumpurs_client_sign_in(pumpurs_client* client,
                                                  const char* username,
                                                  const char* password,
                                                  uint8_t** session,
                                                  size_t* session_size);
/* The current session (serialized pumpurs.v1.Session), after sign-in or a
 * renewal; *session_size 0 and *session NULL if there is none. */
PUMPURS_API pumpurs_error* pumpurs_client_session(pumpurs_client* client,
                                                  uint8_t** session,
                                                  size_t* session_size);

/* Any unary RPC: `method` is the full gRPC name, e.g.
 * "/pumpurs.v1.SupportPlanService/GetSupportPlan"; `request` the
 * serialized request message. Writes the serialized response. A create's
 * empty request_id is filled in; reads and creates are retried on
 * UNAVAILABLE (never updates). deadline_ms <= 0: the client's default. */
PUMPURS_API pumpurs_error* pumpurs_call(pumpurs_client* client,
                                        const char* method,
                                        const uint8_t* request,
                                        size_t request_size,
                                        int64_t deadline_ms, uint8_t** response,
                                        size_t* response_size);

/* ---- asynchronous calls ---- */

PUMPURS_API pumpurs_queue* pumpurs_queue_new(void);
/* Pending results are dropped. REQUIRES: no call still delivers to it
 * (free the clients first, or drain it). */
PUMPURS_API void pumpurs_queue_free(pumpurs_queue* queue);

/* Starts a call like pumpurs_call; its result arrives in `queue` tagged
 * with `tag`. Returns an error only if the call could not start. */
PUMPURS_API pumpurs_error* pumpurs_call_async(
    pumpurs_client* client, pumpurs_queue* queue, const char* method,
    const uint8_t* request, size_t request_size, int64_t deadline_ms,
    uint64_t tag);

/* Waits up to timeout_ms (0: do not wait, < 0: forever) for the next
 * result; *result is NULL on timeout. The caller frees the result. */
PUMPURS_API void pumpurs_queue_next(pumpurs_queue* queue, int64_t timeout_ms,
                                    pumpurs_result** result);

/* Runs `callback` on the calling thread for every result that arrives
 * within timeout_ms (0: only those already there); timeout_ms < 0 waits
 * for the first result as long as it takes, then runs the ones that are
 * ready. Returns how many ran. The result is freed after the callback
 * returns. */
typedef void (*pumpurs_callback)(void* user_data, const pumpurs_result* result);
PUMPURS_API size_t pumpurs_queue_run(pumpurs_queue* queue, int64_t timeout_ms,
                                     pumpurs_callback callback,
                                     void* user_data);

PUMPURS_API uint64_t pumpurs_result_tag(const pumpurs_result* result);
/* NULL if the call succeeded; owned by the result. */
PUMPURS_API const pumpurs_error* pumpurs_result_error(
    const pumpurs_result* result);
/* The serialized response (owned by the result; empty on error). */
PUMPURS_API const uint8_t* pumpurs_result_response(const pumpurs_result* result,
                                                   size_t* response_size);
PUMPURS_API void pumpurs_result_free(pumpurs_result* result);

/* ---- offline: cache and outbox (client-lib offline.h) ---- */

/* Opens (creating) the store at `path`. */
PUMPURS_API pumpurs_error* pumpurs_offline_open(const char* path,
                                                pumpurs_offline** store);
PUMPURS_API void pumpurs_offline_free(pumpurs_offline* store);

/* Pulls changes into the cache. Writes a serialized
 * pumpurs.v1.SyncReport. */
PUMPURS_API pumpurs_error* pumpurs_offline_sync(pumpurs_offline* store,
                                                pumpurs_client* client,
                                                uint8_t** report,
                                                size_t* report_size);
/* A cached resource as a serialized pumpurs.v1.Change; *found 0 (and no
 * bytes) if it is not cached. */
PUMPURS_API pumpurs_error* pumpurs_offline_get(pumpurs_offline* store,
                                               const char* resource, int* found,
                                               uint8_t** change,
                                               size_t* change_size);
/* Cached resources whose name starts with `prefix`: a serialized
 * pumpurs.v1.OfflineList (field `cached`). */
PUMPURS_API pumpurs_error* pumpurs_offline_list(pumpurs_offline* store,
                                                const char* prefix,
                                                uint8_t** list,
                                                size_t* list_size);
/* Queues a change: `mutation` is a serialized pumpurs.v1.OutboxMutation
 * (method, request, resource, base_etag; request_id optional). Writes the
 * queued entry (serialized OutboxMutation with id and request_id). */
PUMPURS_API pumpurs_error* pumpurs_offline_enqueue(pumpurs_offline* store,
                                                   const uint8_t* mutation,
                                                   size_t mutation_size,
                                                   uint8_t** queued,
                                                   size_t* queued_size);
/* The outbox: a serialized OfflineList (field `mutations`). */
PUMPURS_API pumpurs_error* pumpurs_offline_pending(pumpurs_offline* store,
                                                   uint8_t** list,
                                                   size_t* list_size);
/* Sends the outbox; writes a serialized pumpurs.v1.ReplayReport. */
PUMPURS_API pumpurs_error* pumpurs_offline_replay(pumpurs_offline* store,
                                                  pumpurs_client* client,
                                                  uint8_t** report,
                                                  size_t* report_size);
/* The conflicts: a serialized OfflineList (field `conflicts`). */
PUMPURS_API pumpurs_error* pumpurs_offline_conflicts(pumpurs_offline* store,
                                                     uint8_t** list,
                                                     size_t* list_size);
PUMPURS_API pumpurs_error* pumpurs_offline_drop_conflict(pumpurs_offline* store,
                                                         int64_t mutation_id);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PUMPURS_H_ */
