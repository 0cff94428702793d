#ifndef PUMPURS_CLIENT_SRC_CLIENT_IMPL_H_
#define PUMPURS_CLIENT_SRC_CLIENT_IMPL_H_

// Client::Impl: the channel, the stubs, and the one path every call takes
// (deadline, bearer token, session renewal, error conversion). Shared by
// client.cc (typed calls), session.cc (tokens) and raw_call.cc (CallRaw).

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "pumpurs/client/client.h"
#include "pumpurs/v1/audit.grpc.pb.h"
#include "pumpurs/v1/auth.grpc.pb.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/knowledge_base.grpc.pb.h"
#include "pumpurs/v1/self_check.grpc.pb.h"
#include "pumpurs/v1/statistics.grpc.pb.h"
#include "pumpurs/v1/support_plan.grpc.pb.h"
#include "pumpurs/v1/sync.grpc.pb.h"
#include "pumpurs/v1/system.grpc.pb.h"
#include "pumpurs/v1/training.grpc.pb.h"
#include "pumpurs/v1/youth_initiative.grpc.pb.h"

namespace pumpurs::client {

namespace internal {
bool IsPrintableAscii(absl::string_view s);
}  // namespace internal

class Client::Impl {
 public:
  Impl(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  const ClientOptions& options() const { return options_; }
  v1::SystemService::Stub& system() const { return *system_; }
  v1::DirectoryService::Stub& directory() const { return *directory_; }
  v1::AuthService::Stub& auth() const { return *auth_; }
  v1::AuditService::Stub& audit() const { return *audit_; }
  v1::KnowledgeBaseService::Stub& kb() const { return *kb_; }
  v1::SupportPlanService::Stub& plans() const { return *plans_; }
  v1::YouthInitiativeService::Stub& initiatives() const {
    return *initiatives_;
  }
  v1::SyncService::Stub& sync() const { return *sync_; }
  v1::SelfCheckService::Stub& self_check() const { return *self_check_; }
  v1::TrainingService::Stub& training() const { return *training_; }
  v1::StatisticsService::Stub& statistics() const { return *statistics_; }
  grpc::health::v1::Health::Stub& health() const { return *health_; }
  grpc::GenericStub& generic() const { return *generic_; }

  // One attempt of a call on a context that already has its deadline and
  // metadata.
  using Attempt = std::function<grpc::Status(grpc::ClientContext*)>;

  // Runs a unary call: refuses an already expired deadline, sends
  // `attempt` with the deadline and the bearer token (BearerToken), and if
  // the server answers UNAUTHENTICATED to a session's token, renews the
  // session and sends it once more. The error carries the server's reason
  // and field violations.
  absl::Status Call(const CallOptions& call, const Attempt& attempt) const;

  // One blocking unary call of `method` on `stub` through Call().
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Unary(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      Stub& stub, const Request& request, const CallOptions& call) const {
    Response response;
    absl::Status status = Call(call, [&](grpc::ClientContext* ctx) {
      response.Clear();
      return (stub.*method)(ctx, request, &response);
    });
    if (!status.ok()) return status;
    return response;
  }

  // For streaming calls (never resent, as part of the stream may have been
  // seen): the deadline and the bearer token, renewing the session first if
  // it is due. Fails as BearerToken, or DEADLINE_EXCEEDED if the deadline
  // already expired.
  absl::Status PrepareContext(const CallOptions& call,
                              grpc::ClientContext* ctx) const;

  // Client::SignIn and Client::session.
  absl::StatusOr<v1::Session> SignIn(absl::string_view username,
                                     absl::string_view password,
                                     const CallOptions& call) const;
  std::optional<v1::Session> session() const;

 private:
  // The absolute deadline of a call starting now (InfiniteFuture for none).
  absl::Time Deadline(const CallOptions& call) const;

  // The bearer token of a call ("" for none), the one place that decides
  // it: token_source's answer if set (its error fails the call), else the
  // session's access token (renewed first if it expires within
  // refresh_before_expiry, or if it is `rejected`, the token the server has
  // just refused), else options.access_token. Renewal happens once however
  // many threads find the token due; on_session_renewed runs on this
  // thread, outside the lock.
  absl::StatusOr<std::string> BearerToken(absl::Time deadline,
                                          absl::string_view rejected) const;

  // AuthService.RefreshToken with no bearer token.
  absl::StatusOr<v1::Session> Refresh(const std::string& refresh_token,
                                      absl::Time deadline) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(session_mu_);

  // Sets the deadline and, if `token` is not empty, the bearer header.
  static void SetUp(absl::Time deadline, absl::string_view token,
                    grpc::ClientContext* ctx);

  const ClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::SystemService::Stub> system_;
  const std::unique_ptr<v1::DirectoryService::Stub> directory_;
  const std::unique_ptr<v1::AuthService::Stub> auth_;
  const std::unique_ptr<v1::AuditService::Stub> audit_;
  const std::unique_ptr<v1::KnowledgeBaseService::Stub> kb_;
  const std::unique_ptr<v1::SupportPlanService::Stub> plans_;
  const std::unique_ptr<v1::YouthInitiativeService::Stub> initiatives_;
  const std::unique_ptr<v1::SyncService::Stub> sync_;
  const std::unique_ptr<v1::SelfCheckService::Stub> self_check_;
  const std::unique_ptr<v1::TrainingService::Stub> training_;
  const std::unique_ptr<v1::StatisticsService::Stub> statistics_;
  const std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  const std::unique_ptr<grpc::GenericStub> generic_;

  // Held while a renewal is in flight, so concurrent calls that find the
  // token due wait for it instead of spending the refresh token twice.
  mutable absl::Mutex session_mu_;
  mutable std::optional<v1::Session> session_ ABSL_GUARDED_BY(session_mu_);
};

}  // namespace pumpurs::client

#endif  // PUMPURS_CLIENT_SRC_CLIENT_IMPL_H_
