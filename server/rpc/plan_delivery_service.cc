// SupportPlanService: delivery records and delivered hours
// (server/plans/deliveries.h).

#include <string>

#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/plans/deliveries.h"
#include "server/plans/store.h"
#include "server/rpc/support_plan_service.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace plans = ::pumpurs::plans;
using storage::Connection;

}  // namespace

grpc::ServerUnaryReactor* SupportPlanService::RecordDelivery(
    grpc::CallbackServerContext* ctx, const v1::RecordDeliveryRequest* req,
    v1::DeliveryRecord* resp) {
  absl::StatusOr<std::string> plan_id =
      ParseResourceName(req->parent(), plans::kSupportPlans, "parent");
  if (!plan_id.ok()) return Answer(ctx, plan_id.status());
  return Serve<v1::DeliveryRecord, v1::DeliveryRecord>(
      ctx, db_, Access::kWrite,
      [plan_id = *plan_id, delivery = req->delivery(),
       request_id = req->request_id()](const CallContext& call, Connection& c) {
        return plans::RecordDelivery(c, call, plan_id, delivery, request_id,
                                     absl::Now());
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

grpc::ServerUnaryReactor* SupportPlanService::ListDeliveries(
    grpc::CallbackServerContext* ctx, const v1::ListDeliveriesRequest* req,
    v1::ListDeliveriesResponse* resp) {
  absl::StatusOr<std::string> plan_id =
      ParseResourceName(req->parent(), plans::kSupportPlans, "parent");
  if (!plan_id.ok()) return Answer(ctx, plan_id.status());
  return Serve<ListPage<v1::DeliveryRecord>, v1::ListDeliveriesResponse>(
      ctx, db_, Access::kRead,
      [plan_id = *plan_id, measure_id = req->measure_id(),
       page_size = req->page_size(),
       page_token = req->page_token()](const CallContext& call, Connection& c) {
        return plans::ListDeliveries(c, call, plan_id, measure_id, page_size,
                                     page_token);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& r : page.items) *out->add_deliveries() = r;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* SupportPlanService::ListDeliveredHours(
    grpc::CallbackServerContext* ctx, const v1::ListDeliveredHoursRequest* req,
    v1::ListDeliveredHoursResponse* resp) {
  plans::DeliveredHoursQuery q;
  absl::StatusOr<std::string> institution = ParseResourceName(
      req->institution(), plans::kInstitutions, "institution");
  if (!institution.ok()) return Answer(ctx, institution.status());
  q.institution_id = *institution;
  if (!req->provider().empty()) {
    absl::StatusOr<std::string> provider =
        ParseResourceName(req->provider(), plans::kStaff, "provider");
    if (!provider.ok()) return Answer(ctx, provider.status());
    q.provider_id = *provider;
  }
  q.start_month = req->start_month();
  q.end_month = req->end_month();
  q.page_size = req->page_size();
  q.page_token = req->page_token();
  return Serve<ListPage<v1::DeliveredHours>, v1::ListDeliveredHoursResponse>(
      ctx, db_, Access::kRead,
      [q](const CallContext& call, Connection& c) {
        return plans::ListDeliveredHours(c, call, q);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& h : page.items) *out->add_rows() = h;
        out->set_next_page_token(page.next_page_token);
      });
}

}  // namespace pumpurs::rpc
