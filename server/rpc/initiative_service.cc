// YouthInitiativeService's calls and project applications: parse the
// resource names of the request, run server/initiatives (calls.h,
// projects.h) in a transaction, fill the response.

#include "server/rpc/initiative_service.h"

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/common/page.h"
#include "server/initiatives/calls.h"
#include "server/initiatives/projects.h"
#include "server/initiatives/store.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace initiatives = ::pumpurs::initiatives;
using storage::Connection;

std::vector<std::string> PathsOf(const google::protobuf::FieldMask& mask) {
  return std::vector<std::string>(mask.paths().begin(), mask.paths().end());
}

void FillCall(const v1::Call& call, v1::Call* out) { *out = call; }

void FillInitiative(const v1::Initiative& i, v1::Initiative* out) { *out = i; }

}  // namespace

grpc::ServerUnaryReactor* YouthInitiativeService::CreateCall(
    grpc::CallbackServerContext* ctx, const v1::CreateCallRequest* req,
    v1::Call* resp) {
  return Serve<v1::Call, v1::Call>(
      ctx, db_, Access::kWrite,
      [in = req->call(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return initiatives::CreateCall(c, call, in, request_id, absl::Now());
      },
      resp, FillCall);
}

grpc::ServerUnaryReactor* YouthInitiativeService::GetCall(
    grpc::CallbackServerContext* ctx, const v1::GetCallRequest* req,
    v1::Call* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), initiatives::kCalls, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Call, v1::Call>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return initiatives::GetCall(c, call, id);
      },
      resp, FillCall);
}

grpc::ServerUnaryReactor* YouthInitiativeService::ListCalls(
    grpc::CallbackServerContext* ctx, const v1::ListCallsRequest* req,
    v1::ListCallsResponse* resp) {
  initiatives::CallFilter filter;
  filter.owner = req->owner();
  filter.state = req->state();
  filter.page_size = req->page_size();
  filter.page_token = req->page_token();
  return Serve<ListPage<v1::Call>, v1::ListCallsResponse>(
      ctx, db_, Access::kRead,
      [filter](const CallContext& call, Connection& c) {
        return initiatives::ListCalls(c, call, filter);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& item : page.items) *out->add_calls() = item;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* YouthInitiativeService::UpdateCall(
    grpc::CallbackServerContext* ctx, const v1::UpdateCallRequest* req,
    v1::Call* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->call().name(), initiatives::kCalls, "call.name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Call, v1::Call>(
      ctx, db_, Access::kWrite,
      [id = *id, changes = req->call(), paths = PathsOf(req->update_mask())](
          const CallContext& call, Connection& c) {
        return initiatives::UpdateCall(c, call, id, changes, paths,
                                       changes.etag(), absl::Now());
      },
      resp, FillCall);
}

grpc::ServerUnaryReactor* YouthInitiativeService::OpenCall(
    grpc::CallbackServerContext* ctx, const v1::OpenCallRequest* req,
    v1::Call* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), initiatives::kCalls, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Call, v1::Call>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return initiatives::OpenCall(c, call, id, etag, absl::Now());
      },
      resp, FillCall);
}

grpc::ServerUnaryReactor* YouthInitiativeService::CreateInitiative(
    grpc::CallbackServerContext* ctx, const v1::CreateInitiativeRequest* req,
    v1::Initiative* resp) {
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [in = req->initiative(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return initiatives::CreateInitiative(c, call, in, request_id,
                                             absl::Now());
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::GetInitiative(
    grpc::CallbackServerContext* ctx, const v1::GetInitiativeRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), initiatives::kInitiatives, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return initiatives::GetInitiative(c, call, id);
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::ListInitiatives(
    grpc::CallbackServerContext* ctx, const v1::ListInitiativesRequest* req,
    v1::ListInitiativesResponse* resp) {
  initiatives::InitiativeFilter filter;
  absl::StatusOr<std::string> call_id =
      ParseOptionalResourceName(req->call(), initiatives::kCalls, "call");
  if (!call_id.ok()) return Answer(ctx, call_id.status());
  absl::StatusOr<std::string> municipality = ParseOptionalResourceName(
      req->municipality(), initiatives::kMunicipalities, "municipality");
  if (!municipality.ok()) return Answer(ctx, municipality.status());
  filter.call_id = *call_id;
  filter.municipality_id = *municipality;
  filter.state = req->state();
  filter.page_size = req->page_size();
  filter.page_token = req->page_token();
  return Serve<ListPage<v1::Initiative>, v1::ListInitiativesResponse>(
      ctx, db_, Access::kRead,
      [filter](const CallContext& call, Connection& c) {
        return initiatives::ListInitiatives(c, call, filter);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& item : page.items) *out->add_initiatives() = item;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* YouthInitiativeService::UpdateInitiative(
    grpc::CallbackServerContext* ctx, const v1::UpdateInitiativeRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id = ParseResourceName(
      req->initiative().name(), initiatives::kInitiatives, "initiative.name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, changes = req->initiative(),
       paths = PathsOf(req->update_mask())](const CallContext& call,
                                            Connection& c) {
        return initiatives::UpdateInitiative(c, call, id, changes, paths,
                                             changes.etag(), absl::Now());
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::SubmitInitiative(
    grpc::CallbackServerContext* ctx, const v1::SubmitInitiativeRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), initiatives::kInitiatives, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return initiatives::SubmitInitiative(c, call, id, etag, absl::Now());
      },
      resp, FillInitiative);
}

grpc::ServerUnaryReactor* YouthInitiativeService::WithdrawInitiative(
    grpc::CallbackServerContext* ctx, const v1::WithdrawInitiativeRequest* req,
    v1::Initiative* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), initiatives::kInitiatives, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Initiative, v1::Initiative>(
      ctx, db_, Access::kWrite,
      [id = *id, reason = req->reason(), etag = req->etag()](
          const CallContext& call, Connection& c) {
        return initiatives::WithdrawInitiative(c, call, id, reason, etag,
                                               absl::Now());
      },
      resp, FillInitiative);
}

}  // namespace pumpurs::rpc
