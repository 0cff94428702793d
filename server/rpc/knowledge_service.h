#ifndef PUMPURS_SERVER_RPC_KNOWLEDGE_SERVICE_H_
#define PUMPURS_SERVER_RPC_KNOWLEDGE_SERVICE_H_

#include "pumpurs/v1/knowledge_base.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of the knowledge base (server/knowledge). Taxonomy and
// article methods are defined in knowledge_service.cc; SearchArticles and
// RecommendMeasures in knowledge_search_service.cc.
class KnowledgeBaseService final
    : public pumpurs::v1::KnowledgeBaseService::CallbackService {
 public:
  explicit KnowledgeBaseService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* ListRiskFactors(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListRiskFactorsRequest* req,
      pumpurs::v1::ListRiskFactorsResponse* resp) override;
  grpc::ServerUnaryReactor* GetRiskFactor(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetRiskFactorRequest* req,
      pumpurs::v1::RiskFactor* resp) override;
  grpc::ServerUnaryReactor* ListMeasureTypes(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListMeasureTypesRequest* req,
      pumpurs::v1::ListMeasureTypesResponse* resp) override;
  grpc::ServerUnaryReactor* GetMeasureType(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetMeasureTypeRequest* req,
      pumpurs::v1::MeasureType* resp) override;
  grpc::ServerUnaryReactor* GetArticle(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetArticleRequest* req,
      pumpurs::v1::Article* resp) override;
  grpc::ServerUnaryReactor* ListArticles(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListArticlesRequest* req,
      pumpurs::v1::ListArticlesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateArticle(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateArticleRequest* req,
      pumpurs::v1::Article* resp) override;
  grpc::ServerUnaryReactor* UpdateArticle(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateArticleRequest* req,
      pumpurs::v1::Article* resp) override;
  grpc::ServerUnaryReactor* PublishArticle(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::PublishArticleRequest* req,
      pumpurs::v1::Article* resp) override;
  grpc::ServerUnaryReactor* ArchiveArticle(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ArchiveArticleRequest* req,
      pumpurs::v1::Article* resp) override;
  grpc::ServerUnaryReactor* GetArticleRevision(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetArticleRevisionRequest* req,
      pumpurs::v1::ArticleRevision* resp) override;
  grpc::ServerUnaryReactor* ListArticleRevisions(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListArticleRevisionsRequest* req,
      pumpurs::v1::ListArticleRevisionsResponse* resp) override;
  // knowledge_search_service.cc:
  grpc::ServerUnaryReactor* SearchArticles(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::SearchArticlesRequest* req,
      pumpurs::v1::SearchArticlesResponse* resp) override;
  grpc::ServerUnaryReactor* RecommendMeasures(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RecommendMeasuresRequest* req,
      pumpurs::v1::RecommendMeasuresResponse* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_KNOWLEDGE_SERVICE_H_
