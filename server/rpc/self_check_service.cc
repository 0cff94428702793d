#include "server/rpc/self_check_service.h"

#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {

grpc::ServerUnaryReactor* SelfCheckService::ListQuestionnaires(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ListQuestionnairesRequest*,
    pumpurs::v1::ListQuestionnairesResponse*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SelfCheckService::GetQuestionnaire(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::GetQuestionnaireRequest*, pumpurs::v1::Questionnaire*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SelfCheckService::CreateQuestionnaire(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::CreateQuestionnaireRequest*,
    pumpurs::v1::Questionnaire*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SelfCheckService::UpdateQuestionnaire(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::UpdateQuestionnaireRequest*,
    pumpurs::v1::Questionnaire*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SelfCheckService::PublishQuestionnaire(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::PublishQuestionnaireRequest*,
    pumpurs::v1::Questionnaire*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SelfCheckService::EvaluateSelfCheck(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::EvaluateSelfCheckRequest*,
    pumpurs::v1::SelfCheckResult*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

grpc::ServerUnaryReactor* SelfCheckService::ApplyFromSelfCheck(
    grpc::CallbackServerContext* ctx,
    const pumpurs::v1::ApplyFromSelfCheckRequest*, pumpurs::v1::Application*) {
  return Answer(ctx, absl::UnimplementedError("not yet"));
}

}  // namespace pumpurs::rpc
