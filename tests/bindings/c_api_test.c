/*
 * The C ABI (bindings/c/include/pumpurs.h) used from C, as an app would:
 * compiled as C11 with no C++ in sight, against a real pumpurs-server
 * --demo that tests/bindings/run_with_server.py starts (PUMPURS_TARGET).
 *
 * Requests and responses are protobuf bytes; the few fields needed here are
 * encoded and decoded by hand (pb_* below) rather than with a C protobuf
 * runtime, which is what an app would use.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pumpurs.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* Fails the test (and stops it: what follows depends on it) if `error` is
 * set, printing what the library said. */
#define OK(expr)                                                             \
  do {                                                                       \
    pumpurs_error* ok_error_ = (expr);                                       \
    if (ok_error_ != NULL) {                                                 \
      fprintf(stderr, "%s:%d: %s failed: %s %s (reason \"%s\")\n", __FILE__, \
              __LINE__, #expr, pumpurs_error_code_name(ok_error_),           \
              pumpurs_error_message(ok_error_),                              \
              pumpurs_error_reason(ok_error_));                              \
      pumpurs_error_free(ok_error_);                                         \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

enum {
  kPermissionDenied = 7,
  kNotFound = 5,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kUnavailable = 14,
  kUnauthenticated = 16,
};

/* ---- a minimal protobuf encoder / decoder ---- */

typedef struct {
  uint8_t data[4096];
  size_t size;
} pb_buffer;

static void pb_put_varint(pb_buffer* b, uint64_t v) {
  while (v >= 0x80) {
    b->data[b->size++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  b->data[b->size++] = (uint8_t)v;
}

/* A length-delimited field (string, bytes or a nested message). */
static void pb_put_bytes(pb_buffer* b, uint32_t field, const void* data,
                         size_t size) {
  if (b->size + size + 16 > sizeof b->data) {
    fprintf(stderr, "pb_buffer overflow\n");
    exit(1);
  }
  pb_put_varint(b, ((uint64_t)field << 3) | 2);
  pb_put_varint(b, size);
  memcpy(b->data + b->size, data, size);
  b->size += size;
}

static void pb_put_string(pb_buffer* b, uint32_t field, const char* s) {
  pb_put_bytes(b, field, s, strlen(s));
}

typedef struct {
  const uint8_t* data;
  size_t size;
} pb_slice;

static int pb_get_varint(pb_slice* s, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && s->size > 0; shift += 7) {
    uint8_t byte = *s->data++;
    --s->size;
    *v |= (uint64_t)(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return 1;
  }
  return 0;
}

/* The next field of `s`: 1 and its number, wire type and value (varint in
 * *number_value, length-delimited in *bytes); 0 at the end or on garbage. */
static int pb_next(pb_slice* s, uint32_t* field, uint64_t* number_value,
                   pb_slice* bytes) {
  uint64_t key, length;
  if (s->size == 0 || !pb_get_varint(s, &key)) return 0;
  *field = (uint32_t)(key >> 3);
  switch (key & 7) {
    case 0:
      return pb_get_varint(s, number_value);
    case 1:
      if (s->size < 8) return 0;
      s->data += 8, s->size -= 8;
      return 1;
    case 5:
      if (s->size < 4) return 0;
      s->data += 4, s->size -= 4;
      return 1;
    case 2:
      if (!pb_get_varint(s, &length) || length > s->size) return 0;
      bytes->data = s->data;
      bytes->size = (size_t)length;
      s->data += length, s->size -= length;
      return 1;
    default:
      return 0;
  }
}

/* The `n`-th (from 0) length-delimited occurrence of `field`. */
static int pb_nth(pb_slice msg, uint32_t field, size_t n, pb_slice* out) {
  uint32_t f;
  uint64_t v;
  pb_slice bytes = {NULL, 0};
  while (pb_next(&msg, &f, &v, &bytes)) {
    if (f == field && bytes.data != NULL && n-- == 0) {
      *out = bytes;
      return 1;
    }
    bytes.data = NULL;
  }
  return 0;
}

static size_t pb_count(pb_slice msg, uint32_t field) {
  size_t n = 0;
  pb_slice ignored;
  while (pb_nth(msg, field, n, &ignored)) ++n;
  return n;
}

/* A string field as a malloc'ed C string ("" if absent). */
static char* pb_string(pb_slice msg, uint32_t field) {
  pb_slice s = {NULL, 0};
  pb_nth(msg, field, 0, &s);
  char* out = malloc(s.size + 1);
  if (s.size > 0) memcpy(out, s.data, s.size);
  out[s.size] = '\0';
  return out;
}

static int starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static pb_slice slice_of(const uint8_t* data, size_t size) {
  pb_slice s = {data, size};
  return s;
}

/* ---- helpers over the API ---- */

static const char* target;

static pumpurs_client* new_client(const uint8_t* session, size_t session_size) {
  pumpurs_options* options = pumpurs_options_new();
  CHECK(options != NULL);
  pumpurs_options_set_target(options, target);
  pumpurs_options_set_deadline_ms(options, 10000);
  if (session != NULL) {
    pumpurs_options_set_session(options, session, session_size);
  }
  pumpurs_client* client = NULL;
  OK(pumpurs_client_new(options, &client));
  pumpurs_options_free(options); /* the client keeps a copy */
  return client;
}

/* Calls `method`; returns the error (NULL on success, response written). */
static pumpurs_error* call(pumpurs_client* client, const char* method,
                           const pb_buffer* request, uint8_t** response,
                           size_t* response_size) {
  return pumpurs_call(client, method, request->data, request->size, 0, response,
                      response_size);
}

static const char kGetPlan[] = "/pumpurs.v1.SupportPlanService/GetSupportPlan";
static const char kListPlans[] =
    "/pumpurs.v1.SupportPlanService/ListSupportPlans";
static const char kServerInfo[] = "/pumpurs.v1.SystemService/GetServerInfo";
static const char kGetInstitution[] =
    "/pumpurs.v1.DirectoryService/GetInstitution";

/* ---- the tests ---- */

static void test_version_and_nulls(void) {
  CHECK(strlen(pumpurs_version()) > 0);
  const char* expected = getenv("PUMPURS_VERSION");
  if (expected != NULL) CHECK(strcmp(pumpurs_version(), expected) == 0);

  /* Every _free takes NULL; NULL arguments are errors, not crashes. */
  pumpurs_error_free(NULL);
  pumpurs_options_free(NULL);
  pumpurs_client_free(NULL);
  pumpurs_queue_free(NULL);
  pumpurs_result_free(NULL);
  pumpurs_offline_free(NULL);
  pumpurs_bytes_free(NULL);
  uint8_t* out = NULL;
  size_t out_size = 0;
  pumpurs_error* e =
      pumpurs_call(NULL, kServerInfo, NULL, 0, 0, &out, &out_size);
  CHECK(pumpurs_error_code(e) == kInvalidArgument);
  CHECK(strcmp(pumpurs_error_code_name(e), "INVALID_ARGUMENT") == 0);
  CHECK(strstr(pumpurs_error_message(e), "client") != NULL);
  pumpurs_error_free(e);
  CHECK(pumpurs_error_code(NULL) == 0);
  CHECK(strcmp(pumpurs_error_code_name(NULL), "OK") == 0);

  /* A session that is not a Session fails client creation, not later. */
  pumpurs_options* options = pumpurs_options_new();
  const uint8_t garbage[] = {0xFF, 0xFF, 0xFF};
  pumpurs_options_set_session(options, garbage, sizeof garbage);
  pumpurs_client* client = NULL;
  e = pumpurs_client_new(options, &client);
  CHECK(pumpurs_error_code(e) == kInvalidArgument);
  CHECK(client == NULL);
  pumpurs_error_free(e);
  /* A non-positive default deadline is refused by the client library. */
  pumpurs_options_set_session(options, NULL, 0);
  pumpurs_options_set_deadline_ms(options, 0);
  e = pumpurs_client_new(options, &client);
  CHECK(pumpurs_error_code(e) == kInvalidArgument);
  pumpurs_error_free(e);
  pumpurs_options_free(options);
}

static void test_server_info(pumpurs_client* client) {
  pb_buffer request = {{0}, 0}; /* GetServerInfoRequest {} */
  uint8_t* response = NULL;
  size_t size = 0;
  OK(call(client, kServerInfo, &request, &response, &size));
  char* version = pb_string(slice_of(response, size), 1);
  CHECK(strlen(version) > 0);
  const char* expected = getenv("PUMPURS_VERSION");
  if (expected != NULL) CHECK(strcmp(version, expected) == 0);
  free(version);
  pumpurs_bytes_free(response);
}

/* Signs in as the head of school 1; returns the session bytes and its
 * institution ("institutions/...", malloc'ed). */
static char* sign_in(pumpurs_client* client, uint8_t** session,
                     size_t* session_size) {
  /* A wrong password: UNAUTHENTICATED, nothing written. */
  uint8_t* none = NULL;
  size_t none_size = 0;
  pumpurs_error* e =
      pumpurs_client_sign_in(client, "direktors1", "wrong", &none, &none_size);
  CHECK(pumpurs_error_code(e) == kUnauthenticated);
  CHECK(none == NULL);
  pumpurs_error_free(e);

  OK(pumpurs_client_sign_in(client, "direktors1", "demo-parole-2026", session,
                            session_size));
  pb_slice s = slice_of(*session, *session_size);
  char* token = pb_string(s, 1); /* access_token */
  CHECK(strlen(token) > 0);
  free(token);
  pb_slice account = {NULL, 0}, binding = {NULL, 0};
  CHECK(pb_nth(s, 5, 0, &account));       /* Session.account */
  CHECK(pb_nth(account, 4, 0, &binding)); /* Account.role_bindings */
  char* username = pb_string(account, 2);
  CHECK(strcmp(username, "direktors1") == 0);
  free(username);
  char* scope = pb_string(binding, 2); /* RoleBinding.scope */
  CHECK(starts_with(scope, "institutions/"));

  /* The client keeps the session. */
  uint8_t* kept = NULL;
  size_t kept_size = 0;
  OK(pumpurs_client_session(client, &kept, &kept_size));
  CHECK(kept != NULL && kept_size > 0);
  pumpurs_bytes_free(kept);
  return scope;
}

/* Lists the institution's plans; returns the first plan's name. */
static char* test_list_and_get(pumpurs_client* client,
                               const char* institution) {
  pb_buffer request = {{0}, 0};
  pb_put_string(&request, 1, institution); /* institution */
  uint8_t* response = NULL;
  size_t size = 0;
  OK(call(client, kListPlans, &request, &response, &size));
  pb_slice list = slice_of(response, size);
  size_t plans = pb_count(list, 1); /* support_plans */
  CHECK(plans >= 1);
  pb_slice plan = {NULL, 0};
  char* name = NULL;
  if (pb_nth(list, 1, 0, &plan)) {
    name = pb_string(plan, 1);
    char* plan_institution = pb_string(plan, 4);
    CHECK(starts_with(name, "supportPlans/"));
    CHECK(strcmp(plan_institution, institution) == 0);
    free(plan_institution);
  } else {
    name = strdup("supportPlans/missing");
  }
  pumpurs_bytes_free(response);

  /* The same plan by name. */
  request.size = 0;
  pb_put_string(&request, 1, name);
  OK(call(client, kGetPlan, &request, &response, &size));
  char* got = pb_string(slice_of(response, size), 1);
  CHECK(strcmp(got, name) == 0);
  free(got);
  pumpurs_bytes_free(response);
  return name;
}

static void test_errors(pumpurs_client* client) {
  uint8_t* response = (uint8_t*)"untouched";
  size_t size = 12345;
  pb_buffer request = {{0}, 0};

  pb_put_string(&request, 1, "institutions/nope");
  pumpurs_error* e = call(client, kGetInstitution, &request, &response, &size);
  CHECK(e != NULL);
  CHECK(pumpurs_error_code(e) == kNotFound);
  CHECK(strcmp(pumpurs_error_code_name(e), "NOT_FOUND") == 0);
  CHECK(strcmp(pumpurs_error_reason(e), "RESOURCE_NOT_FOUND") == 0);
  CHECK(strlen(pumpurs_error_message(e)) > 0);
  CHECK(pumpurs_error_violation_count(e) == 0);
  /* Out-parameters are written only on success. */
  CHECK(strcmp((const char*)response, "untouched") == 0 && size == 12345);
  pumpurs_error_free(e);

  /* A plan that does not exist: the server does not tell a head of school
   * whether it exists elsewhere, so PERMISSION_DENIED (with its reason). */
  request.size = 0;
  pb_put_string(&request, 1, "supportPlans/nope");
  e = call(client, kGetPlan, &request, &response, &size);
  CHECK(pumpurs_error_code(e) == kPermissionDenied);
  CHECK(strcmp(pumpurs_error_reason(e), "PERMISSION_DENIED") == 0);
  pumpurs_error_free(e);

  /* A malformed name: INVALID_ARGUMENT with a field violation. */
  request.size = 0;
  pb_put_string(&request, 1, "plans/not a name");
  e = call(client, kGetPlan, &request, &response, &size);
  CHECK(pumpurs_error_code(e) == kInvalidArgument);
  CHECK(pumpurs_error_violation_count(e) >= 1);
  CHECK(strcmp(pumpurs_error_violation_field(e, 0), "name") == 0);
  CHECK(strlen(pumpurs_error_violation_description(e, 0)) > 0);
  /* Out of range indexes are "", not a crash. */
  CHECK(strcmp(pumpurs_error_violation_field(e, 99), "") == 0);
  pumpurs_error_free(e);

  /* A method the library does not know. */
  e = call(client, "/pumpurs.v1.SupportPlanService/NoSuchMethod", &request,
           &response, &size);
  CHECK(pumpurs_error_code(e) == kInvalidArgument);
  pumpurs_error_free(e);

  /* Bytes that are not the method's request message. */
  const uint8_t garbage[] = {0x0A, 0x7F, 0x01};
  e = pumpurs_call(client, kGetPlan, garbage, sizeof garbage, 0, &response,
                   &size);
  CHECK(pumpurs_error_code(e) == kInvalidArgument);
  pumpurs_error_free(e);
}

/* ---- asynchronous calls ---- */

typedef struct {
  pthread_t app_thread;
  int seen[4];
  int wrong_thread;
  int bad_result;
} async_state;

static void on_result(void* user_data, const pumpurs_result* result) {
  async_state* state = user_data;
  if (!pthread_equal(pthread_self(), state->app_thread)) ++state->wrong_thread;
  uint64_t tag = pumpurs_result_tag(result);
  if (tag >= 4) {
    ++state->bad_result;
    return;
  }
  ++state->seen[tag];
  const pumpurs_error* e = pumpurs_result_error(result);
  size_t size = 99;
  const uint8_t* response = pumpurs_result_response(result, &size);
  switch (tag) {
    case 1: /* GetServerInfo */
    case 2: /* ListSupportPlans */
      if (e != NULL || response == NULL || size == 0) ++state->bad_result;
      break;
    case 3: /* GetInstitution of one that does not exist */
      if (pumpurs_error_code(e) != kNotFound || size != 0) ++state->bad_result;
      break;
    default:
      ++state->bad_result;
  }
}

static void test_async(pumpurs_client* client, const char* institution) {
  pumpurs_queue* queue = pumpurs_queue_new();
  CHECK(queue != NULL);

  /* Nothing started: nothing arrives. */
  pumpurs_result* result = (pumpurs_result*)1;
  pumpurs_queue_next(queue, 0, &result);
  CHECK(result == NULL);
  pumpurs_queue_next(queue, 50, &result);
  CHECK(result == NULL);

  pb_buffer info = {{0}, 0};
  pb_buffer list = {{0}, 0};
  pb_put_string(&list, 1, institution);
  pb_buffer missing = {{0}, 0};
  pb_put_string(&missing, 1, "institutions/nope");
  OK(pumpurs_call_async(client, queue, kServerInfo, info.data, info.size, 0,
                        1));
  OK(pumpurs_call_async(client, queue, kListPlans, list.data, list.size, 5000,
                        2));
  OK(pumpurs_call_async(client, queue, kGetInstitution, missing.data,
                        missing.size, 0, 3));

  async_state state;
  memset(&state, 0, sizeof state);
  state.app_thread = pthread_self();
  /* One by polling, the rest by pumpurs_queue_run, all on this thread. */
  pumpurs_queue_next(queue, 10000, &result);
  CHECK(result != NULL);
  if (result != NULL) {
    on_result(&state, result);
    pumpurs_result_free(result);
  }
  size_t ran = 0;
  for (int i = 0; i < 100 && ran < 2; ++i) {
    ran += pumpurs_queue_run(queue, 100, on_result, &state);
  }
  CHECK(ran == 2);
  CHECK(state.seen[1] == 1 && state.seen[2] == 1 && state.seen[3] == 1);
  CHECK(state.wrong_thread == 0);
  CHECK(state.bad_result == 0);

  /* A burst: more calls than worker threads, all delivered once. */
  enum { kBurst = 40 };
  for (uint64_t i = 0; i < kBurst; ++i) {
    OK(pumpurs_call_async(client, queue, kServerInfo, info.data, info.size, 0,
                          1));
  }
  memset(&state.seen, 0, sizeof state.seen);
  ran = 0;
  for (int i = 0; i < 200 && ran < kBurst; ++i) {
    ran += pumpurs_queue_run(queue, -1, on_result, &state);
  }
  CHECK(ran == kBurst);
  CHECK(state.seen[1] == kBurst);
  CHECK(state.wrong_thread == 0 && state.bad_result == 0);

  /* Results left in the queue when the client goes: freeing the client
   * waits for its calls, and freeing the queue drops the results. */
  pumpurs_client* other = new_client(NULL, 0);
  OK(pumpurs_call_async(other, queue, kServerInfo, NULL, 0, 0, 7));
  pumpurs_client_free(other);
  pumpurs_queue_next(queue, 0, &result);
  CHECK(result != NULL && pumpurs_result_tag(result) == 7);
  pumpurs_result_free(result);
  OK(pumpurs_call_async(client, queue, kServerInfo, NULL, 0, 0, 8));
  pumpurs_queue_next(queue, 10000, &result);
  CHECK(result != NULL);
  pumpurs_result_free(result);
  pumpurs_queue_free(queue);
}

/* A client made from a stored session works without signing in again. */
static void test_session_reuse(const uint8_t* session, size_t session_size,
                               const char* institution) {
  pumpurs_client* client = new_client(session, session_size);
  pb_buffer request = {{0}, 0};
  pb_put_string(&request, 1, institution);
  uint8_t* response = NULL;
  size_t size = 0;
  OK(call(client, kListPlans, &request, &response, &size));
  CHECK(pb_count(slice_of(response, size), 1) >= 1);
  pumpurs_bytes_free(response);
  pumpurs_client_free(client);
}

/* A server that is not there: the client is made, the call fails. */
static void test_unreachable(void) {
  pumpurs_options* options = pumpurs_options_new();
  pumpurs_options_set_target(options, "127.0.0.1:1");
  pumpurs_client* client = NULL;
  OK(pumpurs_client_new(options, &client));
  pumpurs_options_free(options);
  uint8_t* response = NULL;
  size_t size = 0;
  pumpurs_error* e =
      pumpurs_call(client, kServerInfo, NULL, 0, 2000, &response, &size);
  CHECK(pumpurs_error_code(e) == kUnavailable ||
        pumpurs_error_code(e) == kDeadlineExceeded);
  pumpurs_error_free(e);
  pumpurs_client_free(client);
}

/* The offline store: sync into the cache, read it back. */
static void test_offline(pumpurs_client* client, const char* plan) {
  char path[] = "/tmp/pumpurs_c_api_test_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  unlink(path); /* the store creates it */

  pumpurs_offline* store = NULL;
  OK(pumpurs_offline_open(path, &store));
  uint8_t* bytes = NULL;
  size_t size = 0;
  OK(pumpurs_offline_sync(store, client, &bytes, &size));
  pb_slice report = slice_of(bytes, size);
  char* token = pb_string(report, 3); /* SyncReport.sync_token */
  CHECK(strlen(token) > 0);
  free(token);
  pumpurs_bytes_free(bytes);

  OK(pumpurs_offline_list(store, "supportPlans/", &bytes, &size));
  CHECK(pb_count(slice_of(bytes, size), 3) >= 1); /* OfflineList.cached */
  pumpurs_bytes_free(bytes);

  int found = -1;
  OK(pumpurs_offline_get(store, plan, &found, &bytes, &size));
  CHECK(found == 1);
  if (found == 1) {
    pb_slice change = slice_of(bytes, size);
    char* resource = pb_string(change, 2); /* Change.resource */
    CHECK(strcmp(resource, plan) == 0);
    free(resource);
    pumpurs_bytes_free(bytes);
  }
  OK(pumpurs_offline_get(store, "supportPlans/nope", &found, &bytes, &size));
  CHECK(found == 0 && bytes == NULL);

  OK(pumpurs_offline_pending(store, &bytes, &size));
  CHECK(pb_count(slice_of(bytes, size), 1) == 0);
  pumpurs_bytes_free(bytes);
  OK(pumpurs_offline_conflicts(store, &bytes, &size));
  CHECK(pb_count(slice_of(bytes, size), 2) == 0);
  pumpurs_bytes_free(bytes);
  pumpurs_error* e = pumpurs_offline_drop_conflict(store, 424242);
  CHECK(pumpurs_error_code(e) == kNotFound);
  pumpurs_error_free(e);

  pumpurs_offline_free(store);
  unlink(path);
}

int main(void) {
  target = getenv("PUMPURS_TARGET");
  if (target == NULL || target[0] == '\0') {
    fprintf(stderr, "PUMPURS_TARGET is not set (run_with_server.py sets it)\n");
    return 2;
  }
  test_version_and_nulls();
  test_unreachable();

  pumpurs_client* client = new_client(NULL, 0);
  test_server_info(client);
  uint8_t* session = NULL;
  size_t session_size = 0;
  char* institution = sign_in(client, &session, &session_size);
  char* plan = test_list_and_get(client, institution);
  test_errors(client);
  test_async(client, institution);
  test_session_reuse(session, session_size, institution);
  test_offline(client, plan);

  free(plan);
  free(institution);
  pumpurs_bytes_free(session);
  pumpurs_client_free(client);
  if (failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_test: all checks passed\n");
  return 0;
}
