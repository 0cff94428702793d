// pumpurs_client and pumpurs_call: a pumpurs::client::Client behind a C
// handle; calls go through Client::CallRaw with serialized protobufs.

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bindings/c/src/internal.h"

using pumpurs::bindings::CallOptionsFor;
using pumpurs::bindings::CopyOut;
using pumpurs::bindings::Guard;
using pumpurs::bindings::NewError;
using pumpurs::bindings::NullArgument;
using pumpurs::bindings::WriteMessage;

namespace {

pumpurs_error* OutOfMemory() {
  return NewError(absl::ResourceExhaustedError("out of memory"));
}

}  // namespace

pumpurs_client::~pumpurs_client() {
  // The async calls use `client`: let them finish first.
  async.reset();
  client.reset();
}

extern "C" {

pumpurs_error* pumpurs_client_new(const pumpurs_options* options,
                                  pumpurs_client** client) {
  return Guard([&]() -> pumpurs_error* {
    if (options == nullptr) return NullArgument("options");
    if (client == nullptr) return NullArgument("client");
    if (!options->deferred.ok()) return NewError(options->deferred);
    absl::StatusOr<std::unique_ptr<pumpurs::client::Client>> created =
        pumpurs::client::Client::Create(options->options);
    if (!created.ok()) return NewError(created.status());
    auto handle = std::make_unique<pumpurs_client>();
    handle->client = *std::move(created);
    handle->async =
        std::make_unique<pumpurs::bindings::AsyncRunner>(handle->client.get());
    *client = handle.release();
    return nullptr;
  });
}

void pumpurs_client_free(pumpurs_client* client) {
  try {
    delete client;
  } catch (...) {
    // Destructors do not throw; nothing could be done here anyway.
  }
}

pumpurs_error* pumpurs_client_sign_in(pumpurs_client* client,
                                      const char* username,
                                      const char* password, uint8_t** session,
                                      size_t* session_size) {
  return Guard([&]() -> pumpurs_error* {
    if (client == nullptr) return NullArgument("client");
    if (username == nullptr) return NullArgument("username");
    if (password == nullptr) return NullArgument("password");
    if (session == nullptr) return NullArgument("session");
    if (session_size == nullptr) return NullArgument("session_size");
    absl::StatusOr<pumpurs::v1::Session> signed_in =
        client->client->SignIn(username, password);
    if (!signed_in.ok()) return NewError(signed_in.status());
    return WriteMessage(*signed_in, session, session_size);
  });
}

pumpurs_error* pumpurs_client_session(pumpurs_client* client, uint8_t** session,
                                      size_t* session_size) {
  return Guard([&]() -> pumpurs_error* {
    if (client == nullptr) return NullArgument("client");
    if (session == nullptr) return NullArgument("session");
    if (session_size == nullptr) return NullArgument("session_size");
    std::optional<pumpurs::v1::Session> current = client->client->session();
    if (!current.has_value()) {
      *session = nullptr;
      *session_size = 0;
      return nullptr;
    }
    return WriteMessage(*current, session, session_size);
  });
}

pumpurs_error* pumpurs_call(pumpurs_client* client, const char* method,
                            const uint8_t* request, size_t request_size,
                            int64_t deadline_ms, uint8_t** response,
                            size_t* response_size) {
  return Guard([&]() -> pumpurs_error* {
    if (client == nullptr) return NullArgument("client");
    if (method == nullptr) return NullArgument("method");
    if (request == nullptr && request_size != 0) return NullArgument("request");
    if (response == nullptr) return NullArgument("response");
    if (response_size == nullptr) return NullArgument("response_size");
    absl::string_view bytes(reinterpret_cast<const char*>(request),
                            request == nullptr ? 0 : request_size);
    absl::StatusOr<std::string> got =
        client->client->CallRaw(method, bytes, CallOptionsFor(deadline_ms));
    if (!got.ok()) return NewError(got.status());
    if (!CopyOut(*got, response, response_size)) return OutOfMemory();
    return nullptr;
  });
}

pumpurs_error* pumpurs_call_async(pumpurs_client* client, pumpurs_queue* queue,
                                  const char* method, const uint8_t* request,
                                  size_t request_size, int64_t deadline_ms,
                                  uint64_t tag) {
  return Guard([&]() -> pumpurs_error* {
    if (client == nullptr) return NullArgument("client");
    if (queue == nullptr) return NullArgument("queue");
    if (method == nullptr) return NullArgument("method");
    if (request == nullptr && request_size != 0) return NullArgument("request");
    pumpurs::bindings::AsyncRunner::Call call;
    call.queue = queue;
    call.method = method;
    if (request != nullptr) {
      call.request.assign(reinterpret_cast<const char*>(request), request_size);
    }
    call.deadline_ms = deadline_ms;
    call.tag = tag;
    absl::Status started = client->async->Start(std::move(call));
    if (!started.ok()) return NewError(started);
    return nullptr;
  });
}

}  // extern "C"
