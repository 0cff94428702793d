// The path every call takes: deadline, bearer token, session renewal.

#include <grpcpp/grpcpp.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client-lib/src/client_impl.h"
#include "client-lib/src/grpc_error.h"

namespace pumpurs::client {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::Status ExpiredBeforeStart() {
  // gRPC may still send a call whose deadline passed a moment ago (and the
  // server may then act on it); one that expired before it started must not
  // reach the server at all.
  return absl::DeadlineExceededError(
      "the call's deadline expired before it started");
}

}  // namespace

Client::Impl::Impl(ClientOptions options,
                   std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      system_(v1::SystemService::NewStub(channel_)),
      directory_(v1::DirectoryService::NewStub(channel_)),
      auth_(v1::AuthService::NewStub(channel_)),
      audit_(v1::AuditService::NewStub(channel_)),
      kb_(v1::KnowledgeBaseService::NewStub(channel_)),
      plans_(v1::SupportPlanService::NewStub(channel_)),
      initiatives_(v1::YouthInitiativeService::NewStub(channel_)),
      sync_(v1::SyncService::NewStub(channel_)),
      self_check_(v1::SelfCheckService::NewStub(channel_)),
      training_(v1::TrainingService::NewStub(channel_)),
      statistics_(v1::StatisticsService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)),
      generic_(std::make_unique<grpc::GenericStub>(channel_)),
      session_(options_.session) {}

absl::Time Client::Impl::Deadline(const CallOptions& call) const {
  const absl::Duration timeout =
      call.deadline.value_or(options_.default_deadline);
  if (timeout == absl::InfiniteDuration()) return absl::InfiniteFuture();
  return absl::Now() + timeout;
}

void Client::Impl::SetUp(absl::Time deadline, absl::string_view token,
                         grpc::ClientContext* ctx) {
  if (deadline != absl::InfiniteFuture()) {
    ctx->set_deadline(absl::ToChronoTime(deadline));
  }
  if (!token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
}

absl::Status Client::Impl::Call(const CallOptions& call,
                                const Attempt& attempt) const {
  if (call.deadline.has_value() && *call.deadline <= absl::ZeroDuration()) {
    return ExpiredBeforeStart();
  }
  const absl::Time deadline = Deadline(call);
  absl::StatusOr<std::string> token = BearerToken(deadline, "");
  if (!token.ok()) return token.status();
  grpc::Status status;
  {
    grpc::ClientContext ctx;
    SetUp(deadline, *token, &ctx);
    status = attempt(&ctx);
  }
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED &&
      !token->empty()) {
    // The token expired or was revoked early; a session can get another.
    // The server refused the call before acting on it, so resending even
    // an update is safe.
    absl::StatusOr<std::string> renewed = BearerToken(deadline, *token);
    if (renewed.ok() && *renewed != *token) {
      grpc::ClientContext ctx;  // a context serves one call only
      SetUp(deadline, *renewed, &ctx);
      status = attempt(&ctx);
    }
  }
  return internal::FromGrpcStatus(status);
}

absl::Status Client::Impl::PrepareContext(const CallOptions& call,
                                          grpc::ClientContext* ctx) const {
  if (call.deadline.has_value() && *call.deadline <= absl::ZeroDuration()) {
    return ExpiredBeforeStart();
  }
  const absl::Time deadline = Deadline(call);
  absl::StatusOr<std::string> token = BearerToken(deadline, "");
  if (!token.ok()) return token.status();
  SetUp(deadline, *token, ctx);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Client::Impl::BearerToken(
    absl::Time deadline, absl::string_view rejected) const {
  if (options_.token_source) {
    // A token the server refused is the source's to replace; ask it again
    // on the next call, not now.
    if (!rejected.empty()) return std::string(rejected);
    absl::StatusOr<std::string> token = options_.token_source();
    if (!token.ok()) return token.status();
    if (!internal::IsPrintableAscii(*token)) {
      return absl::InvalidArgumentError(
          "ClientOptions.token_source returned a token that is not "
          "printable ASCII");
    }
    return token;
  }
  v1::Session renewed;
  {
    absl::MutexLock lock(&session_mu_);
    if (!session_.has_value()) return options_.access_token;
    const std::string& current = session_->access_token();
    const bool due =
        rejected.empty()
            ? current.empty() || (session_->has_access_token_expire_time() &&
                                  ToTime(session_->access_token_expire_time()) -
                                          options_.refresh_before_expiry <=
                                      absl::Now())
            // Another thread may have renewed it since this call was sent.
            : current == rejected;
    if (!due || session_->refresh_token().empty()) return current;
    absl::StatusOr<v1::Session> next =
        Refresh(session_->refresh_token(), deadline);
    if (!next.ok()) {
      if (next.status().code() == absl::StatusCode::kUnauthenticated) {
        // Spent, expired or revoked: presenting it again cannot help.
        session_->clear_refresh_token();
      }
      // Renewing early failed (say the server was briefly unreachable), but
      // the token still works for now: use it.
      if (rejected.empty() && !current.empty() &&
          ToTime(session_->access_token_expire_time()) > absl::Now()) {
        return current;
      }
      return next.status();
    }
    session_ = *next;
    renewed = *std::move(next);
  }
  // Outside the lock: the callback may call session() or store the session
  // slowly without holding up other calls.
  if (options_.on_session_renewed) options_.on_session_renewed(renewed);
  return renewed.access_token();
}

absl::StatusOr<v1::Session> Client::Impl::Refresh(
    const std::string& refresh_token, absl::Time deadline) const {
  // A watch has no deadline; its renewal still needs one.
  if (deadline == absl::InfiniteFuture() &&
      options_.default_deadline != absl::InfiniteDuration()) {
    deadline = absl::Now() + options_.default_deadline;
  }
  grpc::ClientContext ctx;
  SetUp(deadline, "", &ctx);
  v1::RefreshTokenRequest request;
  request.set_refresh_token(refresh_token);
  v1::Session session;
  // Never retried (service config): a resent spent token would end the
  // session.
  grpc::Status status = auth_->RefreshToken(&ctx, request, &session);
  if (!status.ok()) return internal::FromGrpcStatus(status);
  return session;
}

absl::StatusOr<v1::Session> Client::Impl::SignIn(
    absl::string_view username, absl::string_view password,
    const CallOptions& call) const {
  if (call.deadline.has_value() && *call.deadline <= absl::ZeroDuration()) {
    return ExpiredBeforeStart();
  }
  // Sent without a bearer token: signing in must work when the old session
  // is beyond renewal.
  grpc::ClientContext ctx;
  SetUp(Deadline(call), "", &ctx);
  v1::LoginRequest request;
  request.set_username(std::string(username));
  request.set_password(std::string(password));
  v1::Session session;
  grpc::Status status = auth_->Login(&ctx, request, &session);
  if (!status.ok()) return internal::FromGrpcStatus(status);
  absl::MutexLock lock(&session_mu_);
  session_ = session;
  return session;
}

std::optional<v1::Session> Client::Impl::session() const {
  absl::MutexLock lock(&session_mu_);
  return session_;
}

}  // namespace pumpurs::client
