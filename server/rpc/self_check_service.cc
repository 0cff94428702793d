// SelfCheckService: parse the request, run server/selfcheck in a
// transaction, fill the response. EvaluateSelfCheck runs in a read snapshot
// and never audits or logs; the per-RPC log line (call_log) holds only
// method, code, latency and caller.

#include "server/rpc/self_check_service.h"

#include <set>
#include <string>

#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/common/page.h"
#include "server/rpc/unary_call.h"
#include "server/rpc/update_mask.h"
#include "server/selfcheck/apply.h"
#include "server/selfcheck/evaluate.h"
#include "server/selfcheck/questionnaires.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace sc = ::pumpurs::selfcheck;
using storage::Connection;

void FillQuestionnaire(const v1::Questionnaire& q, v1::Questionnaire* out) {
  *out = q;
}

}  // namespace

grpc::ServerUnaryReactor* SelfCheckService::ListQuestionnaires(
    grpc::CallbackServerContext* ctx, const v1::ListQuestionnairesRequest* req,
    v1::ListQuestionnairesResponse* resp) {
  sc::QuestionnaireQuery q;
  q.age_band = req->age_band();
  q.page_size = req->page_size();
  q.page_token = req->page_token();
  return Serve<ListPage<v1::Questionnaire>, v1::ListQuestionnairesResponse>(
      ctx, db_, Access::kRead,
      [q](const CallContext& call, Connection& c) {
        // Published ones to anyone; working copies to writers.
        return sc::ListQuestionnaires(c, call.principal, q);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& q : page.items) *out->add_questionnaires() = q;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* SelfCheckService::GetQuestionnaire(
    grpc::CallbackServerContext* ctx, const v1::GetQuestionnaireRequest* req,
    v1::Questionnaire* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), sc::kQuestionnaires, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Questionnaire, v1::Questionnaire>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return sc::GetQuestionnaire(c, call.principal, id);
      },
      resp, FillQuestionnaire);
}

grpc::ServerUnaryReactor* SelfCheckService::CreateQuestionnaire(
    grpc::CallbackServerContext* ctx, const v1::CreateQuestionnaireRequest* req,
    v1::Questionnaire* resp) {
  return Serve<v1::Questionnaire, v1::Questionnaire>(
      ctx, db_, Access::kWrite,
      [q = req->questionnaire(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return sc::CreateQuestionnaire(c, call, q, request_id, absl::Now());
      },
      resp, FillQuestionnaire);
}

grpc::ServerUnaryReactor* SelfCheckService::UpdateQuestionnaire(
    grpc::CallbackServerContext* ctx, const v1::UpdateQuestionnaireRequest* req,
    v1::Questionnaire* resp) {
  const v1::Questionnaire& in = req->questionnaire();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), sc::kQuestionnaires, "questionnaire.name");
  if (!id.ok()) return Answer(ctx, id.status());
  // "texts" stands for title and introduction. An empty mask takes the
  // content fields that are set (non-empty lists included).
  absl::StatusOr<std::set<std::string>> paths = ResolveUpdateMask(
      req->update_mask(), {"age_band", "texts", "questions", "areas"}, in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  if (req->update_mask().paths().empty()) {
    if (in.has_title() || in.has_introduction()) paths->insert("texts");
    if (in.questions_size() > 0) paths->insert("questions");
    if (in.areas_size() > 0) paths->insert("areas");
  }
  return Serve<v1::Questionnaire, v1::Questionnaire>(
      ctx, db_, Access::kWrite,
      [id = *id, in, paths = *paths](const CallContext& call, Connection& c) {
        return sc::UpdateQuestionnaire(c, call, id, in, paths, in.etag(),
                                       absl::Now());
      },
      resp, FillQuestionnaire);
}

grpc::ServerUnaryReactor* SelfCheckService::PublishQuestionnaire(
    grpc::CallbackServerContext* ctx,
    const v1::PublishQuestionnaireRequest* req, v1::Questionnaire* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), sc::kQuestionnaires, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Questionnaire, v1::Questionnaire>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return sc::PublishQuestionnaire(c, call, id, etag, absl::Now());
      },
      resp, FillQuestionnaire);
}

grpc::ServerUnaryReactor* SelfCheckService::EvaluateSelfCheck(
    grpc::CallbackServerContext* ctx, const v1::EvaluateSelfCheckRequest* req,
    v1::SelfCheckResult* resp) {
  // A read snapshot: nothing can be stored. Authentication runs as for any
  // public read (no token: anonymous; a bad token: UNAUTHENTICATED); the
  // answers are used only in memory and never audited or logged.
  return Serve<v1::SelfCheckResult, v1::SelfCheckResult>(
      ctx, db_, Access::kRead,
      [request = *req](const CallContext&, Connection& c) {
        return sc::EvaluateStored(c, request);
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

grpc::ServerUnaryReactor* SelfCheckService::ApplyFromSelfCheck(
    grpc::CallbackServerContext* ctx, const v1::ApplyFromSelfCheckRequest* req,
    v1::Application* resp) {
  return Serve<v1::Application, v1::Application>(
      ctx, db_, Access::kWrite,
      [request = *req](const CallContext& call, Connection& c) {
        return sc::ApplyFromSelfCheck(c, call, request, absl::Now());
      },
      resp, [](const auto& a, auto* out) { *out = a; });
}

}  // namespace pumpurs::rpc
