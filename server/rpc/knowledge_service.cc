#include "server/rpc/knowledge_service.h"

#include <set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/auth/policy.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/taxonomy.h"
#include "server/rpc/unary_call.h"
#include "server/rpc/update_mask.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace kb = ::pumpurs::knowledge;
using storage::Connection;

// "articles/{id}/revisions/{number}" → (id, number).
absl::StatusOr<std::pair<std::string, int64_t>> ParseRevisionName(
    absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t number = 0;
  if (parts.size() == 4 && parts[2] == "revisions" &&
      absl::SimpleAtoi(parts[3], &number) && number > 0) {
    absl::StatusOr<std::string> id = ParseResourceName(
        absl::StrCat(parts[0], "/", parts[1]), kb::kArticles, "name");
    if (id.ok()) return std::make_pair(*id, number);
  }
  return InvalidFieldError("name",
                           "must have the form articles/{id}/revisions/{n}");
}

absl::Status RequireWriter(const CallContext& call) {
  return auth::Authorize(call.principal, auth::Action::kKnowledgeWrite, {});
}

}  // namespace

grpc::ServerUnaryReactor* KnowledgeBaseService::ListRiskFactors(
    grpc::CallbackServerContext* ctx, const v1::ListRiskFactorsRequest* req,
    v1::ListRiskFactorsResponse* resp) {
  kb::RiskFactorQuery q{req->group(), req->page_size(), req->page_token()};
  return Serve<kb::Page<v1::RiskFactor>, v1::ListRiskFactorsResponse>(
      ctx, db_, Access::kRead,
      [q](const CallContext&, Connection& c) {
        // Public: the taxonomy holds no personal data.
        return kb::ListRiskFactors(c, q);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& rf : page.items) *out->add_risk_factors() = rf;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::GetRiskFactor(
    grpc::CallbackServerContext* ctx, const v1::GetRiskFactorRequest* req,
    v1::RiskFactor* resp) {
  absl::StatusOr<std::string> code =
      kb::ParseCodeName(req->name(), kb::kRiskFactors, "name");
  if (!code.ok()) return Answer(ctx, code.status());
  return Serve<v1::RiskFactor, v1::RiskFactor>(
      ctx, db_, Access::kRead,
      [code = *code](const CallContext&, Connection& c) {
        return kb::GetRiskFactor(c, code);
      },
      resp, [](const auto& rf, auto* out) { *out = rf; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::ListMeasureTypes(
    grpc::CallbackServerContext* ctx, const v1::ListMeasureTypesRequest* req,
    v1::ListMeasureTypesResponse* resp) {
  kb::MeasureTypeQuery q{req->category(), "", req->page_size(),
                         req->page_token()};
  if (!req->risk_factor().empty()) {
    absl::StatusOr<std::string> code =
        kb::ParseCodeName(req->risk_factor(), kb::kRiskFactors, "risk_factor");
    if (!code.ok()) return Answer(ctx, code.status());
    q.risk_code = *code;
  }
  return Serve<kb::Page<v1::MeasureType>, v1::ListMeasureTypesResponse>(
      ctx, db_, Access::kRead,
      [q](const CallContext&, Connection& c) {
        return kb::ListMeasureTypes(c, q);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& mt : page.items) *out->add_measure_types() = mt;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::GetMeasureType(
    grpc::CallbackServerContext* ctx, const v1::GetMeasureTypeRequest* req,
    v1::MeasureType* resp) {
  absl::StatusOr<std::string> code =
      kb::ParseCodeName(req->name(), kb::kMeasureTypes, "name");
  if (!code.ok()) return Answer(ctx, code.status());
  return Serve<v1::MeasureType, v1::MeasureType>(
      ctx, db_, Access::kRead,
      [code = *code](const CallContext&, Connection& c) {
        return kb::GetMeasureType(c, code);
      },
      resp, [](const auto& mt, auto* out) { *out = mt; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::GetArticle(
    grpc::CallbackServerContext* ctx, const v1::GetArticleRequest* req,
    v1::Article* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kb::kArticles, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Article, v1::Article>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        // The audience rules (articles.h) decide, through auth::Authorize.
        return kb::GetArticle(c, call.principal, id);
      },
      resp, [](const auto& a, auto* out) { *out = a; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::ListArticles(
    grpc::CallbackServerContext* ctx, const v1::ListArticlesRequest* req,
    v1::ListArticlesResponse* resp) {
  kb::ArticleQuery q;
  q.kind = req->kind();
  q.audience = req->audience();
  q.state = req->state();
  q.page_size = req->page_size();
  q.page_token = req->page_token();
  if (!req->risk_factor().empty()) {
    absl::StatusOr<std::string> code =
        kb::ParseCodeName(req->risk_factor(), kb::kRiskFactors, "risk_factor");
    if (!code.ok()) return Answer(ctx, code.status());
    q.risk_code = *code;
  }
  return Serve<kb::Page<v1::Article>, v1::ListArticlesResponse>(
      ctx, db_, Access::kRead,
      [q](const CallContext& call, Connection& c) {
        return kb::ListArticles(c, call.principal, q);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& a : page.items) *out->add_articles() = a;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::CreateArticle(
    grpc::CallbackServerContext* ctx, const v1::CreateArticleRequest* req,
    v1::Article* resp) {
  return Serve<v1::Article, v1::Article>(
      ctx, db_, Access::kWrite,
      [article = req->article(), request_id = req->request_id()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<v1::Article> {
        PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
        return kb::CreateArticle(c, call, article, request_id);
      },
      resp, [](const auto& a, auto* out) { *out = a; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::UpdateArticle(
    grpc::CallbackServerContext* ctx, const v1::UpdateArticleRequest* req,
    v1::Article* resp) {
  const v1::Article& in = req->article();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), kb::kArticles, "article.name");
  if (!id.ok()) return Answer(ctx, id.status());
  absl::StatusOr<std::set<std::string>> paths = ResolveUpdateMask(
      req->update_mask(),
      {"kind", "audiences", "tags", "risk_factors", "measure_types", "texts"},
      in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  return Serve<v1::Article, v1::Article>(
      ctx, db_, Access::kWrite,
      [id = *id, in, paths = *paths](const CallContext& call, Connection& c)
          -> absl::StatusOr<v1::Article> {
        PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
        return kb::UpdateArticle(c, call, id, in, paths, in.etag());
      },
      resp, [](const auto& a, auto* out) { *out = a; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::PublishArticle(
    grpc::CallbackServerContext* ctx, const v1::PublishArticleRequest* req,
    v1::Article* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kb::kArticles, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Article, v1::Article>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c)
          -> absl::StatusOr<v1::Article> {
        PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
        return kb::PublishArticle(c, call, id, etag);
      },
      resp, [](const auto& a, auto* out) { *out = a; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::ArchiveArticle(
    grpc::CallbackServerContext* ctx, const v1::ArchiveArticleRequest* req,
    v1::Article* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kb::kArticles, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Article, v1::Article>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c)
          -> absl::StatusOr<v1::Article> {
        PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
        return kb::ArchiveArticle(c, call, id, etag);
      },
      resp, [](const auto& a, auto* out) { *out = a; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::GetArticleRevision(
    grpc::CallbackServerContext* ctx, const v1::GetArticleRevisionRequest* req,
    v1::ArticleRevision* resp) {
  absl::StatusOr<std::pair<std::string, int64_t>> name =
      ParseRevisionName(req->name());
  if (!name.ok()) return Answer(ctx, name.status());
  return Serve<v1::ArticleRevision, v1::ArticleRevision>(
      ctx, db_, Access::kRead,
      [name = *name](const CallContext& call, Connection& c) {
        return kb::GetArticleRevision(c, call.principal, name.first,
                                      name.second);
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::ListArticleRevisions(
    grpc::CallbackServerContext* ctx,
    const v1::ListArticleRevisionsRequest* req,
    v1::ListArticleRevisionsResponse* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->parent(), kb::kArticles, "parent");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<kb::Page<v1::ArticleRevision>, v1::ListArticleRevisionsResponse>(
      ctx, db_, Access::kRead,
      [id = *id, size = req->page_size(), token = req->page_token()](
          const CallContext& call, Connection& c) {
        return kb::ListArticleRevisions(c, call.principal, id, size, token);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& r : page.items) *out->add_revisions() = r;
        out->set_next_page_token(page.next_page_token);
      });
}

}  // namespace pumpurs::rpc
