// KnowledgeBaseService.SearchArticles and RecommendMeasures (the rest of the
// service is in knowledge_service.cc). Both are reads without personal data:
// no account needed, nothing audited; the domain decides what the caller may
// see (staff-audience articles need auth kStaffArticleRead).

#include "server/knowledge/recommend.h"
#include "server/knowledge/search.h"
#include "server/rpc/knowledge_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

namespace v1 = ::pumpurs::v1;

grpc::ServerUnaryReactor* KnowledgeBaseService::SearchArticles(
    grpc::CallbackServerContext* ctx, const v1::SearchArticlesRequest* req,
    v1::SearchArticlesResponse* resp) {
  return Serve<v1::SearchArticlesResponse, v1::SearchArticlesResponse>(
      ctx, db_, Access::kRead,
      [request = *req](const CallContext& call, storage::Connection& c) {
        return knowledge::SearchArticles(c, call.principal, request);
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

grpc::ServerUnaryReactor* KnowledgeBaseService::RecommendMeasures(
    grpc::CallbackServerContext* ctx, const v1::RecommendMeasuresRequest* req,
    v1::RecommendMeasuresResponse* resp) {
  return Serve<v1::RecommendMeasuresResponse, v1::RecommendMeasuresResponse>(
      ctx, db_, Access::kRead,
      [request = *req](const CallContext& call, storage::Connection& c) {
        return knowledge::RecommendMeasures(c, call.principal, request);
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

}  // namespace pumpurs::rpc
