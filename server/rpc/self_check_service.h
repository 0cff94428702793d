#ifndef PUMPURS_SERVER_RPC_SELF_CHECK_SERVICE_H_
#define PUMPURS_SERVER_RPC_SELF_CHECK_SERVICE_H_

#include "pumpurs/v1/self_check.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of the parents' self-check (server/selfcheck).
class SelfCheckService final
    : public pumpurs::v1::SelfCheckService::CallbackService {
 public:
  explicit SelfCheckService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* ListQuestionnaires(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListQuestionnairesRequest* req,
      pumpurs::v1::ListQuestionnairesResponse* resp) override;
  grpc::ServerUnaryReactor* GetQuestionnaire(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetQuestionnaireRequest* req,
      pumpurs::v1::Questionnaire* resp) override;
  grpc::ServerUnaryReactor* CreateQuestionnaire(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateQuestionnaireRequest* req,
      pumpurs::v1::Questionnaire* resp) override;
  grpc::ServerUnaryReactor* UpdateQuestionnaire(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateQuestionnaireRequest* req,
      pumpurs::v1::Questionnaire* resp) override;
  grpc::ServerUnaryReactor* PublishQuestionnaire(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::PublishQuestionnaireRequest* req,
      pumpurs::v1::Questionnaire* resp) override;
  grpc::ServerUnaryReactor* EvaluateSelfCheck(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::EvaluateSelfCheckRequest* req,
      pumpurs::v1::SelfCheckResult* resp) override;
  grpc::ServerUnaryReactor* ApplyFromSelfCheck(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ApplyFromSelfCheckRequest* req,
      pumpurs::v1::Application* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_SELF_CHECK_SERVICE_H_
