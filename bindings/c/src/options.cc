// pumpurs_options: a pumpurs::client::ClientOptions filled in by setters.
// The setters return void, so what goes wrong in one (a session that does
// not parse, out of memory) is kept and reported by pumpurs_client_new.

#include <climits>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bindings/c/src/internal.h"

namespace {

// Runs a setter; an exception becomes the options' deferred error.
template <typename Fn>
void Set(pumpurs_options* options, Fn&& fn) noexcept {
  if (options == nullptr) return;
  try {
    fn(options->options);
  } catch (...) {
    if (options->deferred.ok()) {
      options->deferred = absl::ResourceExhaustedError(
          "pumpurs_options: a setter failed (out of memory?)");
    }
  }
}

std::string OrEmpty(const char* s) { return s == nullptr ? "" : s; }

}  // namespace

extern "C" {

pumpurs_options* pumpurs_options_new(void) {
  try {
    return new pumpurs_options;
  } catch (...) {
    return nullptr;
  }
}

void pumpurs_options_free(pumpurs_options* options) { delete options; }

void pumpurs_options_set_target(pumpurs_options* options, const char* target) {
  Set(options,
      [&](pumpurs::client::ClientOptions& o) { o.target = OrEmpty(target); });
}

void pumpurs_options_set_tls_roots(pumpurs_options* options, const char* pem) {
  Set(options, [&](pumpurs::client::ClientOptions& o) {
    o.tls_root_certs_pem = OrEmpty(pem);
  });
}

void pumpurs_options_set_client_certificate(pumpurs_options* options,
                                            const char* cert_pem,
                                            const char* key_pem) {
  Set(options, [&](pumpurs::client::ClientOptions& o) {
    o.tls_client_cert_pem = OrEmpty(cert_pem);
    o.tls_client_key_pem = OrEmpty(key_pem);
  });
}

void pumpurs_options_set_access_token(pumpurs_options* options,
                                      const char* token) {
  Set(options, [&](pumpurs::client::ClientOptions& o) {
    o.access_token = OrEmpty(token);
  });
}

void pumpurs_options_set_session(pumpurs_options* options,
                                 const uint8_t* session, size_t session_size) {
  if (options == nullptr) return;
  Set(options, [&](pumpurs::client::ClientOptions& o) {
    if (session == nullptr || session_size == 0) {
      o.session.reset();
      return;
    }
    pumpurs::v1::Session parsed;
    if (session_size > static_cast<size_t>(INT_MAX) ||
        !parsed.ParseFromArray(session, static_cast<int>(session_size))) {
      options->deferred = absl::InvalidArgumentError(
          "pumpurs_options_set_session: not a serialized pumpurs.v1.Session");
      return;
    }
    o.session = std::move(parsed);
  });
}

void pumpurs_options_set_deadline_ms(pumpurs_options* options,
                                     int64_t milliseconds) {
  // A non-positive deadline is refused by Client::Create, with its message.
  Set(options, [&](pumpurs::client::ClientOptions& o) {
    o.default_deadline = absl::Milliseconds(milliseconds);
  });
}

void pumpurs_options_set_gzip(pumpurs_options* options, int enabled) {
  Set(options,
      [&](pumpurs::client::ClientOptions& o) { o.gzip = enabled != 0; });
}

}  // extern "C"
