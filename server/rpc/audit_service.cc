#include "server/rpc/audit_service.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "server/auth/audit_query.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
using google::protobuf::util::TimeUtil;
using storage::Connection;

constexpr char kInstitutions[] = "institutions";
constexpr char kMunicipalities[] = "municipalities";

void ToProto(const auth::StoredAuditEvent& e, v1::AuditEvent* out) {
  out->set_name(ResourceName("auditEvents", e.id));
  out->set_actor(e.actor);
  out->set_action(e.action);
  out->set_resource(e.resource);
  if (!e.institution_id.empty()) {
    out->set_institution(ResourceName(kInstitutions, e.institution_id));
  }
  out->set_outcome(static_cast<v1::AuditOutcome>(e.outcome));
  out->set_request_id(e.request_id);
  *out->mutable_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(e.time));
}

// Adds the violations of a failed parse to `v`.
void Collect(const absl::Status& status, Violations& v) {
  for (const FieldViolation& f : FieldViolationsOf(status)) {
    v.Add(f.field, f.description);
  }
}

// "collection/{id}" with a collection of ASCII letters (e.g. "pupils",
// "institutions", "supportPlans") and a well-formed id.
bool IsResourceName(absl::string_view name) {
  const size_t slash = name.find('/');
  if (slash == 0 || slash == absl::string_view::npos || slash > 64) {
    return false;
  }
  const absl::string_view collection = name.substr(0, slash);
  for (char c : collection) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  return ParseResourceName(name, collection, "resource").ok();
}

absl::StatusOr<auth::AuditFilter> ParseFilter(
    const v1::ListAuditEventsRequest& req) {
  auth::AuditFilter filter;
  Violations v;
  if (!req.institution().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req.institution(), kInstitutions, "institution");
    if (id.ok()) {
      filter.institution_id = *id;
    } else {
      Collect(id.status(), v);
    }
  }
  if (!req.municipality().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req.municipality(), kMunicipalities, "municipality");
    if (id.ok()) {
      filter.municipality_id = *id;
    } else {
      Collect(id.status(), v);
    }
  }
  if (!req.resource().empty()) {
    if (IsResourceName(req.resource())) {
      filter.resource = req.resource();
    } else {
      v.Add("resource", "must have the form collection/{id}");
    }
  }
  if (!req.actor().empty()) {
    if (req.actor() == "anonymous" ||
        ParseResourceName(req.actor(), "accounts", "actor").ok()) {
      filter.actor = req.actor();
    } else {
      v.Add("actor", "must be accounts/{id} or anonymous");
    }
  }
  if (req.page_size() < 0) v.Add("page_size", "must not be negative");
  if (!v.empty()) return v.ToStatus();
  return filter;
}

}  // namespace

grpc::ServerUnaryReactor* AuditService::ListAuditEvents(
    grpc::CallbackServerContext* ctx, const v1::ListAuditEventsRequest* req,
    v1::ListAuditEventsResponse* resp) {
  absl::StatusOr<auth::AuditFilter> filter = ParseFilter(*req);
  if (!filter.ok()) return Answer(ctx, filter.status());
  return Serve<auth::AuditPage, v1::ListAuditEventsResponse>(
      ctx, db_, Access::kRead,
      [filter = *filter, size = req->page_size(), token = req->page_token()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<auth::AuditPage> {
        return auth::ListAuditEvents(c, call, filter, size, token);
      },
      resp,
      [](const auth::AuditPage& page, v1::ListAuditEventsResponse* out) {
        for (const auto& e : page.events) ToProto(e, out->add_audit_events());
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* AuditService::ListPupilAccess(
    grpc::CallbackServerContext* ctx, const v1::ListPupilAccessRequest* req,
    v1::ListPupilAccessResponse* resp) {
  Violations v;
  absl::StatusOr<std::string> pupil =
      ParseResourceName(req->pupil(), "pupils", "pupil");
  if (!pupil.ok()) Collect(pupil.status(), v);
  if (req->page_size() < 0) v.Add("page_size", "must not be negative");
  if (!v.empty()) return Answer(ctx, v.ToStatus());
  return Serve<auth::AuditPage, v1::ListPupilAccessResponse>(
      ctx, db_, Access::kRead,
      [pupil = *pupil, size = req->page_size(), token = req->page_token()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<auth::AuditPage> {
        return auth::ListPupilAccess(c, call, pupil, size, token);
      },
      resp,
      [](const auth::AuditPage& page, v1::ListPupilAccessResponse* out) {
        for (const auto& e : page.events) ToProto(e, out->add_audit_events());
        out->set_next_page_token(page.next_page_token);
      });
}

}  // namespace pumpurs::rpc
