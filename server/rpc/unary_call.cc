#include "server/rpc/unary_call.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace pumpurs::rpc {

std::string BearerToken(const grpc::ServerContextBase& ctx) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return "";
  absl::string_view value(it->second.data(), it->second.size());
  // The scheme is case-insensitive (RFC 7235); anything else is malformed
  // and, being non-empty, is refused by authentication.
  if (value.size() > 7 && absl::StartsWithIgnoreCase(value, "bearer ")) {
    return std::string(absl::StripAsciiWhitespace(value.substr(7)));
  }
  return std::string(value.empty() ? "" : "malformed");
}

CallContext NewCallContext(grpc::CallbackServerContext* ctx) {
  CallContext call;
  call.deadline = absl::FromChrono(ctx->deadline());
  call.bearer_token = BearerToken(*ctx);
  return call;
}

}  // namespace pumpurs::rpc
