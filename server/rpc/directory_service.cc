#include "server/rpc/directory_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/string_view.h"
#include "server/auth/policy.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/directory/directory.h"
#include "server/rpc/unary_call.h"
#include "server/rpc/update_mask.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
using google::protobuf::util::TimeUtil;
using storage::Connection;

constexpr char kMunicipalities[] = "municipalities";
constexpr char kInstitutions[] = "institutions";

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

void ToProto(const directory::Municipality& m, v1::Municipality* out) {
  out->set_name(ResourceName(kMunicipalities, m.id));
  out->set_display_name(m.display_name);
  out->set_code(m.code);
  out->set_etag(EtagFor(m.version));
  *out->mutable_create_time() = ToProto(m.create_time);
  *out->mutable_update_time() = ToProto(m.update_time);
}

void ToProto(const directory::Institution& i, v1::Institution* out) {
  out->set_name(ResourceName(kInstitutions, i.id));
  out->set_display_name(i.display_name);
  out->set_kind(static_cast<v1::InstitutionKind>(i.kind));
  out->set_municipality(ResourceName(kMunicipalities, i.municipality_id));
  out->set_registration_number(i.registration_number);
  out->set_etag(EtagFor(i.version));
  *out->mutable_create_time() = ToProto(i.create_time);
  *out->mutable_update_time() = ToProto(i.update_time);
}

// A municipality reference inside an institution: empty stays empty (the
// domain reports "is required"); anything else must be a well-formed name.
absl::StatusOr<std::string> MunicipalityRef(const std::string& name,
                                            absl::string_view field) {
  if (name.empty()) return std::string();
  return ParseResourceName(name, kMunicipalities, field);
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::GetMunicipality(
    grpc::CallbackServerContext* ctx, const v1::GetMunicipalityRequest* req,
    v1::Municipality* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kMunicipalities, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<directory::Municipality, v1::Municipality>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) -> absl::StatusOr<directory::Municipality> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kMunicipalityRead, {}));
        return directory::GetMunicipality(c, id);
      },
      resp, [](const auto& m, auto* out) { ToProto(m, out); });
}

grpc::ServerUnaryReactor* DirectoryService::ListMunicipalities(
    grpc::CallbackServerContext* ctx, const v1::ListMunicipalitiesRequest* req,
    v1::ListMunicipalitiesResponse* resp) {
  directory::ListRequest list{req->page_size(), req->page_token()};
  return Serve<directory::Page<directory::Municipality>,
               v1::ListMunicipalitiesResponse>(
      ctx, db_, Access::kRead,
      [list](const CallContext& call, Connection& c) -> absl::StatusOr<directory::Page<directory::Municipality>> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kMunicipalityRead, {}));
        return directory::ListMunicipalities(c, list);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& m : page.items) ToProto(m, out->add_municipalities());
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* DirectoryService::CreateMunicipality(
    grpc::CallbackServerContext* ctx, const v1::CreateMunicipalityRequest* req,
    v1::Municipality* resp) {
  directory::Municipality m;
  m.display_name = req->municipality().display_name();
  m.code = req->municipality().code();
  return Serve<directory::Municipality, v1::Municipality>(
      ctx, db_, Access::kWrite,
      [m, request_id = req->request_id()](const CallContext& call,
                                          Connection& c) -> absl::StatusOr<directory::Municipality> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kMunicipalityWrite, {}));
        return directory::CreateMunicipality(c, call, m, request_id);
      },
      resp, [](const auto& m, auto* out) { ToProto(m, out); });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateMunicipality(
    grpc::CallbackServerContext* ctx, const v1::UpdateMunicipalityRequest* req,
    v1::Municipality* resp) {
  const v1::Municipality& in = req->municipality();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), kMunicipalities, "municipality.name");
  if (!id.ok()) return Answer(ctx, id.status());
  absl::StatusOr<std::set<std::string>> paths =
      ResolveUpdateMask(req->update_mask(), {"display_name", "code"}, in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  directory::MunicipalityChanges changes;
  if (paths->count("display_name")) changes.display_name = in.display_name();
  if (paths->count("code")) changes.code = in.code();
  return Serve<directory::Municipality, v1::Municipality>(
      ctx, db_, Access::kWrite,
      [id = *id, changes, etag = in.etag()](const CallContext& call, Connection& c) -> absl::StatusOr<directory::Municipality> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kMunicipalityWrite, {}));
        return directory::UpdateMunicipality(c, id, changes, etag);
      },
      resp, [](const auto& m, auto* out) { ToProto(m, out); });
}

grpc::ServerUnaryReactor* DirectoryService::GetInstitution(
    grpc::CallbackServerContext* ctx, const v1::GetInstitutionRequest* req,
    v1::Institution* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kInstitutions, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<directory::Institution, v1::Institution>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) -> absl::StatusOr<directory::Institution> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kInstitutionRead, {}));
        return directory::GetInstitution(c, id);
      },
      resp, [](const auto& i, auto* out) { ToProto(i, out); });
}

grpc::ServerUnaryReactor* DirectoryService::ListInstitutions(
    grpc::CallbackServerContext* ctx, const v1::ListInstitutionsRequest* req,
    v1::ListInstitutionsResponse* resp) {
  directory::InstitutionFilter filter;
  if (!req->municipality().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req->municipality(), kMunicipalities, "municipality");
    if (!id.ok()) return Answer(ctx, id.status());
    filter.municipality_id = *id;
  }
  if (req->kind() != v1::INSTITUTION_KIND_UNSPECIFIED) {
    filter.kind = static_cast<directory::InstitutionKind>(req->kind());
  }
  directory::ListRequest list{req->page_size(), req->page_token()};
  return Serve<directory::Page<directory::Institution>,
               v1::ListInstitutionsResponse>(
      ctx, db_, Access::kRead,
      [filter, list](const CallContext& call, Connection& c) -> absl::StatusOr<directory::Page<directory::Institution>> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kInstitutionRead, {}));
        return directory::ListInstitutions(c, filter, list);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& i : page.items) ToProto(i, out->add_institutions());
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* DirectoryService::CreateInstitution(
    grpc::CallbackServerContext* ctx, const v1::CreateInstitutionRequest* req,
    v1::Institution* resp) {
  const v1::Institution& in = req->institution();
  absl::StatusOr<std::string> municipality =
      MunicipalityRef(in.municipality(), "institution.municipality");
  if (!municipality.ok()) return Answer(ctx, municipality.status());
  directory::Institution inst;
  inst.display_name = in.display_name();
  inst.kind = static_cast<directory::InstitutionKind>(in.kind());
  inst.municipality_id = *municipality;
  inst.registration_number = in.registration_number();
  return Serve<directory::Institution, v1::Institution>(
      ctx, db_, Access::kWrite,
      [inst, request_id = req->request_id()](const CallContext& call,
                                             Connection& c) -> absl::StatusOr<directory::Institution> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kInstitutionWrite, {}));
        return directory::CreateInstitution(c, call, inst, request_id);
      },
      resp, [](const auto& i, auto* out) { ToProto(i, out); });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateInstitution(
    grpc::CallbackServerContext* ctx, const v1::UpdateInstitutionRequest* req,
    v1::Institution* resp) {
  const v1::Institution& in = req->institution();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), kInstitutions, "institution.name");
  if (!id.ok()) return Answer(ctx, id.status());
  absl::StatusOr<std::set<std::string>> paths = ResolveUpdateMask(
      req->update_mask(),
      {"display_name", "kind", "municipality", "registration_number"}, in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  directory::InstitutionChanges changes;
  if (paths->count("display_name")) changes.display_name = in.display_name();
  if (paths->count("kind")) {
    changes.kind = static_cast<directory::InstitutionKind>(in.kind());
  }
  if (paths->count("municipality")) {
    absl::StatusOr<std::string> municipality =
        MunicipalityRef(in.municipality(), "institution.municipality");
    if (!municipality.ok()) return Answer(ctx, municipality.status());
    changes.municipality_id = *municipality;
  }
  if (paths->count("registration_number")) {
    changes.registration_number = in.registration_number();
  }
  return Serve<directory::Institution, v1::Institution>(
      ctx, db_, Access::kWrite,
      [id = *id, changes, etag = in.etag()](const CallContext& call, Connection& c) -> absl::StatusOr<directory::Institution> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kInstitutionWrite, {}));
        return directory::UpdateInstitution(c, id, changes, etag);
      },
      resp, [](const auto& i, auto* out) { ToProto(i, out); });
}

grpc::ServerUnaryReactor* DirectoryService::DeleteInstitution(
    grpc::CallbackServerContext* ctx, const v1::DeleteInstitutionRequest* req,
    google::protobuf::Empty* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kInstitutions, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<bool, google::protobuf::Empty>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call,
                                     Connection& c) -> absl::StatusOr<bool> {
        PUMPURS_RETURN_IF_ERROR(
            auth::Authorize(call.principal, auth::Action::kInstitutionWrite, {}));
        absl::Status s = directory::DeleteInstitution(c, id, etag);
        if (!s.ok()) return s;
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

}  // namespace pumpurs::rpc
