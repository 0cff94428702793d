// YouthInitiativeService's evaluation, decision and the project's run:
// parse the resource names of the request, run server/initiatives
// (evaluation.h, progress.h) in a write transaction, fill the response.

#include <string>

#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/initiatives/evaluation.h"
#include "server/initiatives/progress.h"
#include "server/initiatives/store.h"
#include "server/rpc/initiative_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace initiatives = ::pumpurs::initiatives;
using storage::Connection;

void FillInitiative(const v1::Initiative& in, v1::Initiative* out) {
  *out = in;
}

absl::StatusOr<std::string> InitiativeId(const std::string& name) {
  return ParseResourceName(name, initiatives::kInitiatives, "name");
}

}  // namespace

grpc::ServerUnaryReactor* YouthInitiativeService::ScoreInitiative(
    grpc::CallbackServerContext* ctx, const v1::ScoreInitiativeRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id = InitiativeId(req->name());
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, scores = req->scores()](const CallContext& call,
                                         Connection& c) {
        return initiatives::ScoreInitiative(c, call, id, scores, absl::Now());
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::DecideCall(
    grpc::CallbackServerContext* ctx, const v1::DecideCallRequest* req,
    v1::DecideCallResponse* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), initiatives::kCalls, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<initiatives::DecidedCall, v1::DecideCallResponse>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag(), comment = req->comment()](
          const CallContext& call, Connection& c) {
        return initiatives::DecideCall(c, call, id, etag, comment, absl::Now());
      },
      resp,
      [](const initiatives::DecidedCall& d, v1::DecideCallResponse* out) {
        *out->mutable_call() = d.call;
        for (const v1::Initiative& in : d.initiatives) {
          *out->add_initiatives() = in;
        }
      });
}

grpc::ServerUnaryReactor* YouthInitiativeService::StartInitiative(
    grpc::CallbackServerContext* ctx, const v1::StartInitiativeRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id = InitiativeId(req->name());
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return initiatives::StartInitiative(c, call, id, etag, absl::Now());
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::SubmitReport(
    grpc::CallbackServerContext* ctx, const v1::SubmitReportRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id = InitiativeId(req->name());
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag(), report = req->report()](
          const CallContext& call, Connection& c) {
        return initiatives::SubmitReport(c, call, id, etag, report,
                                         absl::Now());
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::AcceptReport(
    grpc::CallbackServerContext* ctx, const v1::AcceptReportRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id = InitiativeId(req->name());
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return initiatives::AcceptReport(c, call, id, etag, absl::Now());
      },
      resp, FillInitiative);
}

}  // namespace pumpurs::rpc
