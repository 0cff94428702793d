// SupportPlanService's applications, plan contents and history: parse the
// resource names of the request, run server/plans (applications.h,
// plans.h) in a transaction, fill the response.

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/common/page.h"
#include "server/plans/applications.h"
#include "server/plans/plans.h"
#include "server/plans/store.h"
#include "server/rpc/support_plan_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace plans = ::pumpurs::plans;
using storage::Connection;

void FillPlan(const v1::SupportPlan& plan, v1::SupportPlan* out) {
  *out = plan;
}

void FillApplication(const v1::Application& a, v1::Application* out) {
  *out = a;
}

}  // namespace

grpc::ServerUnaryReactor* SupportPlanService::CreateApplication(
    grpc::CallbackServerContext* ctx, const v1::CreateApplicationRequest* req,
    v1::Application* resp) {
  return Serve<v1::Application, v1::Application>(
      ctx, db_, Access::kWrite,
      [application = req->application(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return plans::CreateApplication(c, call, application, request_id,
                                        absl::Now());
      },
      resp, FillApplication);
}

grpc::ServerUnaryReactor* SupportPlanService::GetApplication(
    grpc::CallbackServerContext* ctx, const v1::GetApplicationRequest* req,
    v1::Application* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), plans::kApplications, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Application, v1::Application>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return plans::GetApplication(c, call, id);
      },
      resp, FillApplication);
}

grpc::ServerUnaryReactor* SupportPlanService::ListApplications(
    grpc::CallbackServerContext* ctx, const v1::ListApplicationsRequest* req,
    v1::ListApplicationsResponse* resp) {
  plans::ApplicationFilter filter;
  absl::StatusOr<std::string> institution = ParseOptionalResourceName(
      req->institution(), plans::kInstitutions, "institution");
  if (!institution.ok()) return Answer(ctx, institution.status());
  absl::StatusOr<std::string> pupil =
      ParseOptionalResourceName(req->pupil(), plans::kPupils, "pupil");
  if (!pupil.ok()) return Answer(ctx, pupil.status());
  filter.institution_id = *institution;
  filter.pupil_id = *pupil;
  filter.state = req->state();
  filter.page_size = req->page_size();
  filter.page_token = req->page_token();
  return Serve<ListPage<v1::Application>, v1::ListApplicationsResponse>(
      ctx, db_, Access::kRead,
      [filter](const CallContext& call, Connection& c) {
        return plans::ListApplications(c, call, filter);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& a : page.items) *out->add_applications() = a;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* SupportPlanService::WithdrawApplication(
    grpc::CallbackServerContext* ctx, const v1::WithdrawApplicationRequest* req,
    v1::Application* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), plans::kApplications, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Application, v1::Application>(
      ctx, db_, Access::kWrite,
      [id = *id, reason = req->reason(), etag = req->etag()](
          const CallContext& call, Connection& c) {
        return plans::WithdrawApplication(c, call, id, reason, etag,
                                          absl::Now());
      },
      resp, FillApplication);
}

grpc::ServerUnaryReactor* SupportPlanService::CreateSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::CreateSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  return Serve<v1::SupportPlan, v1::SupportPlan>(
      ctx, db_, Access::kWrite,
      [plan = req->support_plan(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return plans::CreateSupportPlan(c, call, plan, request_id, absl::Now());
      },
      resp, FillPlan);
}

grpc::ServerUnaryReactor* SupportPlanService::GetSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::GetSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), plans::kSupportPlans, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::SupportPlan, v1::SupportPlan>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return plans::GetSupportPlan(c, call, id);
      },
      resp, FillPlan);
}

grpc::ServerUnaryReactor* SupportPlanService::ListSupportPlans(
    grpc::CallbackServerContext* ctx, const v1::ListSupportPlansRequest* req,
    v1::ListSupportPlansResponse* resp) {
  plans::PlanFilter filter;
  struct Reference {
    const std::string& name;
    absl::string_view collection;
    absl::string_view field;
    std::string* id;
  };
  const Reference references[] = {
      {req->institution(), plans::kInstitutions, "institution",
       &filter.institution_id},
      {req->pupil(), plans::kPupils, "pupil", &filter.pupil_id},
      {req->preparer(), plans::kStaff, "preparer", &filter.preparer_id},
      {req->municipality(), plans::kMunicipalities, "municipality",
       &filter.municipality_id},
  };
  for (const Reference& r : references) {
    absl::StatusOr<std::string> id =
        ParseOptionalResourceName(r.name, r.collection, r.field);
    if (!id.ok()) return Answer(ctx, id.status());
    *r.id = *id;
  }
  filter.state = req->state();
  filter.semester = {req->semester().school_year(), req->semester().term()};
  filter.page_size = req->page_size();
  filter.page_token = req->page_token();
  return Serve<ListPage<v1::SupportPlan>, v1::ListSupportPlansResponse>(
      ctx, db_, Access::kRead,
      [filter](const CallContext& call, Connection& c) {
        return plans::ListSupportPlans(c, call, filter);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& p : page.items) *out->add_support_plans() = p;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* SupportPlanService::UpdateSupportPlan(
    grpc::CallbackServerContext* ctx, const v1::UpdateSupportPlanRequest* req,
    v1::SupportPlan* resp) {
  absl::StatusOr<std::string> id = ParseResourceName(
      req->support_plan().name(), plans::kSupportPlans, "support_plan.name");
  if (!id.ok()) return Answer(ctx, id.status());
  std::vector<std::string> paths(req->update_mask().paths().begin(),
                                 req->update_mask().paths().end());
  return Serve<v1::SupportPlan, v1::SupportPlan>(
      ctx, db_, Access::kWrite,
      [id = *id, changes = req->support_plan(), paths](const CallContext& call,
                                                       Connection& c) {
        return plans::UpdateSupportPlan(c, call, id, changes, paths,
                                        changes.etag(), absl::Now());
      },
      resp, FillPlan);
}

grpc::ServerUnaryReactor* SupportPlanService::SuggestMeasures(
    grpc::CallbackServerContext* ctx, const v1::SuggestMeasuresRequest* req,
    v1::SuggestMeasuresResponse* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), plans::kSupportPlans, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::SuggestMeasuresResponse, v1::SuggestMeasuresResponse>(
      ctx, db_, Access::kRead,
      [id = *id, locale = req->locale(), max = req->max_results()](
          const CallContext& call, Connection& c) {
        return plans::SuggestMeasures(c, call, id, locale, max);
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

grpc::ServerUnaryReactor* SupportPlanService::GetSupportPlanHistory(
    grpc::CallbackServerContext* ctx,
    const v1::GetSupportPlanHistoryRequest* req,
    v1::GetSupportPlanHistoryResponse* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), plans::kSupportPlans, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<ListPage<v1::PlanRevision>, v1::GetSupportPlanHistoryResponse>(
      ctx, db_, Access::kRead,
      [id = *id, size = req->page_size(), token = req->page_token()](
          const CallContext& call, Connection& c) {
        return plans::GetSupportPlanHistory(c, call, id, size, token);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& r : page.items) *out->add_revisions() = r;
        out->set_next_page_token(page.next_page_token);
      });
}

}  // namespace pumpurs::rpc
