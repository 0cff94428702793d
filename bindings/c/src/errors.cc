// The error objects of the C ABI, and the helpers shared by every entry
// point (bytes out, deadlines).

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bindings/c/src/internal.h"

namespace pumpurs::bindings {
namespace {

// Returned when not even an error object can be allocated; never freed.
// Built at load time, when allocation cannot reasonably fail.
pumpurs_error* const kOutOfMemory = [] {
  auto* e = new pumpurs_error;
  e->code = static_cast<int>(absl::StatusCode::kResourceExhausted);
  e->message = "out of memory";
  return e;
}();

// "INVALID_ARGUMENT" etc., built once from abseil's names (the gRPC and
// absl codes are the same numbers), kept for the process's life.
const char* CodeNameOf(int code) {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>;
    for (int c = 0; c <= static_cast<int>(absl::StatusCode::kUnauthenticated);
         ++c) {
      v->push_back(absl::StatusCodeToString(static_cast<absl::StatusCode>(c)));
    }
    return v;
  }();
  return code >= 0 && code < static_cast<int>(names->size())
             ? (*names)[code].c_str()
             : "UNKNOWN";
}

}  // namespace

pumpurs_error* NewError(const absl::Status& status) noexcept {
  try {
    auto error = std::make_unique<pumpurs_error>();
    error->code = static_cast<int>(status.code());
    if (error->code == 0) {
      // An OK status is no error; callers only pass failures, but never
      // hand out an "error" that says OK.
      error->code = static_cast<int>(absl::StatusCode::kInternal);
    }
    error->message = std::string(status.message());
    error->reason = pumpurs::client::ErrorReason(status);
    for (auto& v : pumpurs::client::FieldViolations(status)) {
      error->violations.emplace_back(std::move(v.field),
                                     std::move(v.description));
    }
    return error.release();
  } catch (...) {
    return kOutOfMemory;
  }
}

pumpurs_error* ErrorFromException() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return kOutOfMemory;
  } catch (const std::exception& e) {
    return NewError(absl::InternalError(
        absl::StrCat("pumpurs: unexpected exception: ", e.what())));
  } catch (...) {
    return NewError(absl::InternalError("pumpurs: unexpected exception"));
  }
}

pumpurs_error* NullArgument(absl::string_view name) noexcept {
  try {
    return NewError(
        absl::InvalidArgumentError(absl::StrCat(name, " must not be NULL")));
  } catch (...) {
    return kOutOfMemory;
  }
}

bool CopyOut(absl::string_view bytes, uint8_t** out, size_t* out_size) {
  auto* buffer =
      static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (buffer == nullptr) return false;
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  *out = buffer;
  *out_size = bytes.size();
  return true;
}

pumpurs_error* WriteMessage(const google::protobuf::MessageLite& message,
                            uint8_t** out, size_t* out_size) {
  std::string bytes;
  if (!message.SerializeToString(&bytes)) {
    return NewError(absl::InternalError("could not serialize the result"));
  }
  if (!CopyOut(bytes, out, out_size)) return kOutOfMemory;
  return nullptr;
}

pumpurs::client::CallOptions CallOptionsFor(int64_t deadline_ms) {
  pumpurs::client::CallOptions options;
  if (deadline_ms > 0) options.deadline = absl::Milliseconds(deadline_ms);
  return options;
}

}  // namespace pumpurs::bindings

using pumpurs::bindings::CodeNameOf;

extern "C" {

const char* pumpurs_version(void) { return PUMPURS_VERSION; }

void pumpurs_bytes_free(uint8_t* bytes) { std::free(bytes); }

int pumpurs_error_code(const pumpurs_error* error) {
  return error == nullptr ? 0 : error->code;
}

const char* pumpurs_error_code_name(const pumpurs_error* error) {
  return CodeNameOf(pumpurs_error_code(error));
}

const char* pumpurs_error_message(const pumpurs_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}

const char* pumpurs_error_reason(const pumpurs_error* error) {
  return error == nullptr ? "" : error->reason.c_str();
}

size_t pumpurs_error_violation_count(const pumpurs_error* error) {
  return error == nullptr ? 0 : error->violations.size();
}

const char* pumpurs_error_violation_field(const pumpurs_error* error,
                                          size_t index) {
  if (error == nullptr || index >= error->violations.size()) return "";
  return error->violations[index].first.c_str();
}

const char* pumpurs_error_violation_description(const pumpurs_error* error,
                                                size_t index) {
  if (error == nullptr || index >= error->violations.size()) return "";
  return error->violations[index].second.c_str();
}

void pumpurs_error_free(pumpurs_error* error) {
  if (error == pumpurs::bindings::kOutOfMemory) return;
  delete error;
}

}  // extern "C"
