// SupportPlanService's transitions: parse the plan's name, run the action of
// server/plans (lifecycle.h, evaluation.h) in a write transaction.

#include <functional>
#include <string>

#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/plans/evaluation.h"
#include "server/plans/lifecycle.h"
#include "server/rpc/support_plan_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace plans = ::pumpurs::plans;
using storage::Connection;

// An action on the plan with this id, as of the time it runs.
using PlanAction = std::function<absl::StatusOr<v1::SupportPlan>(
    Connection&, const CallContext&, const std::string&, absl::Time)>;

grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx,
                              storage::Database& db, const std::string& name,
                              PlanAction action, v1::SupportPlan* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(name, plans::kSupportPlans, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::SupportPlan, v1::SupportPlan>(
      ctx, db, Access::kWrite,
      [id = *id, action = std::move(action)](const CallContext& call,
                                             Connection& c) {
        return action(c, call, id, absl::Now());
      },
      resp,
      [](const v1::SupportPlan& plan, v1::SupportPlan* out) { *out = plan; });
}

}  // namespace

grpc::ServerUnaryReactor* SupportPlanService::SubmitSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::SubmitSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag()](Connection& c, const CallContext& call,
                           const std::string& id, absl::Time now) {
        return plans::SubmitPlan(c, call, id, etag, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::ApproveSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::ApproveSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag(), comment = req->comment()](
          Connection& c, const CallContext& call, const std::string& id,
          absl::Time now) {
        return plans::ApprovePlan(c, call, id, etag, comment, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::RejectSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::RejectSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag(), comment = req->comment()](
          Connection& c, const CallContext& call, const std::string& id,
          absl::Time now) {
        return plans::RejectPlan(c, call, id, etag, comment, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::StartSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::StartSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag()](Connection& c, const CallContext& call,
                           const std::string& id, absl::Time now) {
        return plans::StartPlan(c, call, id, etag, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::SuspendSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::SuspendSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag(), reason = req->reason()](
          Connection& c, const CallContext& call, const std::string& id,
          absl::Time now) {
        return plans::SuspendPlan(c, call, id, etag, reason, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::ResumeSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::ResumeSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag()](Connection& c, const CallContext& call,
                           const std::string& id, absl::Time now) {
        return plans::ResumePlan(c, call, id, etag, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::ReviseSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::ReviseSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag(), reason = req->reason()](
          Connection& c, const CallContext& call, const std::string& id,
          absl::Time now) {
        return plans::RevisePlan(c, call, id, etag, reason, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::DeleteSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::DeleteSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag()](Connection& c, const CallContext& call,
                           const std::string& id, absl::Time now) {
        return plans::DeletePlan(c, call, id, etag, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::EvaluateSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::EvaluateSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [etag = req->etag(), evaluation = req->evaluation()](
          Connection& c, const CallContext& call, const std::string& id,
          absl::Time now) {
        return plans::EvaluatePlan(c, call, id, etag, evaluation, now);
      },
      resp);
}

grpc::ServerUnaryReactor* SupportPlanService::AcknowledgeSupportPlan(
    grpc::CallbackServerContext* ctx,
    const v1::AcknowledgeSupportPlanRequest* req, v1::SupportPlan* resp) {
  return Run(
      ctx, db_, req->name(),
      [comment = req->comment()](Connection& c, const CallContext& call,
                                 const std::string& id, absl::Time now) {
        return plans::AcknowledgePlan(c, call, id, comment, now);
      },
      resp);
}

}  // namespace pumpurs::rpc
