#include "server/rpc/directory_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/string_view.h"
#include "server/auth/policy.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/directory/directory.h"
#include "server/directory/people.h"
#include "server/rpc/import_call.h"
#include "server/rpc/unary_call.h"
#include "server/rpc/update_mask.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
using google::protobuf::util::TimeUtil;
using storage::Connection;

constexpr char kMunicipalities[] = "municipalities";
constexpr char kInstitutions[] = "institutions";
constexpr char kPupils[] = "pupils";
constexpr char kGuardians[] = "guardians";
constexpr char kStaff[] = "staff";

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

// A reference inside a request body: empty stays empty (the domain says
// "is required"); a malformed one is added to `v`, for the domain to report
// with its own findings, and becomes empty.
std::string BodyRef(const std::string& name, absl::string_view collection,
                    const std::string& field, Violations& v) {
  if (name.empty()) return std::string();
  absl::StatusOr<std::string> id = ParseResourceName(name, collection, field);
  if (id.ok()) return *id;
  v.Add(field, absl::StrCat("must have the form ", collection, "/{id}"));
  return std::string();
}

void ToProto(const directory::Pupil& p, v1::Pupil* out) {
  out->set_name(ResourceName(kPupils, p.id));
  out->set_given_name(p.given_name);
  out->set_family_name(p.family_name);
  out->set_birth_date(p.birth_date);
  out->set_grade(p.grade);
  out->set_vocational_course(p.vocational_course);
  out->set_class_label(p.class_label);
  out->set_institution(ResourceName(kInstitutions, p.institution_id));
  out->set_external_id(p.external_id);
  for (const std::string& id : p.guardian_ids) {
    out->add_guardians(ResourceName(kGuardians, id));
  }
  out->set_etag(EtagFor(p.version));
  *out->mutable_create_time() = ToProto(p.create_time);
  *out->mutable_update_time() = ToProto(p.update_time);
}

void ToProto(const directory::Guardian& g, v1::Guardian* out) {
  out->set_name(ResourceName(kGuardians, g.id));
  out->set_given_name(g.given_name);
  out->set_family_name(g.family_name);
  out->set_external_id(g.external_id);
  for (const std::string& id : g.pupil_ids) {
    out->add_pupils(ResourceName(kPupils, id));
  }
  out->set_etag(EtagFor(g.version));
  *out->mutable_create_time() = ToProto(g.create_time);
  *out->mutable_update_time() = ToProto(g.update_time);
}

void ToProto(const directory::StaffMember& m, v1::StaffMember* out) {
  out->set_name(ResourceName(kStaff, m.id));
  out->set_given_name(m.given_name);
  out->set_family_name(m.family_name);
  out->set_position(static_cast<v1::StaffPosition>(m.position));
  out->set_institution(ResourceName(kInstitutions, m.institution_id));
  out->set_external_id(m.external_id);
  if (!m.account_id.empty()) {
    out->set_account(ResourceName("accounts", m.account_id));
  }
  out->set_etag(EtagFor(m.version));
  *out->mutable_create_time() = ToProto(m.create_time);
  *out->mutable_update_time() = ToProto(m.update_time);
}

// The guardian's pupils as ids; malformed entries become "" (and a
// violation), keeping each entry's index.
std::vector<std::string> PupilRefs(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    Violations& v) {
  std::vector<std::string> ids;
  ids.reserve(names.size());
  for (int i = 0; i < names.size(); ++i) {
    ids.push_back(BodyRef(names[i].empty() ? std::string("-") : names[i],
                          kPupils, absl::StrCat("guardian.pupils[", i, "]"),
                          v));
  }
  return ids;
}

template <typename T>
using PageOf = directory::Page<T>;

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::GetMunicipality(
    grpc::CallbackServerContext* ctx, const v1::GetMunicipalityRequest* req,
    v1::Municipality* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kMunicipalities, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<directory::Municipality, v1::Municipality>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call,
                 Connection& c) -> absl::StatusOr<directory::Municipality> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kMunicipalityRead, {}));
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
      [list](const CallContext& call, Connection& c)
          -> absl::StatusOr<directory::Page<directory::Municipality>> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kMunicipalityRead, {}));
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
      [m, request_id = req->request_id()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<directory::Municipality> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kMunicipalityWrite, {}));
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
      [id = *id, changes, etag = in.etag()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<directory::Municipality> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kMunicipalityWrite, {}));
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
      [id = *id](const CallContext& call,
                 Connection& c) -> absl::StatusOr<directory::Institution> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kInstitutionRead, {}));
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
      [filter, list](const CallContext& call, Connection& c)
          -> absl::StatusOr<directory::Page<directory::Institution>> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kInstitutionRead, {}));
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
      [inst, request_id = req->request_id()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<directory::Institution> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kInstitutionWrite, {}));
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
      [id = *id, changes, etag = in.etag()](
          const CallContext& call,
          Connection& c) -> absl::StatusOr<directory::Institution> {
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kInstitutionWrite, {}));
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
        PUMPURS_RETURN_IF_ERROR(auth::Authorize(
            call.principal, auth::Action::kInstitutionWrite, {}));
        absl::Status s = directory::DeleteInstitution(c, id, etag);
        if (!s.ok()) return s;
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

// ---- Pupils ----

grpc::ServerUnaryReactor* DirectoryService::GetPupil(
    grpc::CallbackServerContext* ctx, const v1::GetPupilRequest* req,
    v1::Pupil* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kPupils, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<directory::Pupil, v1::Pupil>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return directory::GetPupil(c, call, id);
      },
      resp, [](const auto& p, auto* out) { ToProto(p, out); });
}

grpc::ServerUnaryReactor* DirectoryService::ListPupils(
    grpc::CallbackServerContext* ctx, const v1::ListPupilsRequest* req,
    v1::ListPupilsResponse* resp) {
  directory::PupilFilter filter;
  if (!req->institution().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req->institution(), kInstitutions, "institution");
    if (!id.ok()) return Answer(ctx, id.status());
    filter.institution_id = *id;
  }
  if (req->grade() != 0) filter.grade = req->grade();
  filter.name_prefix = req->name_prefix();
  directory::ListRequest list{req->page_size(), req->page_token()};
  return Serve<PageOf<directory::Pupil>, v1::ListPupilsResponse>(
      ctx, db_, Access::kRead,
      [filter, list](const CallContext& call, Connection& c) {
        return directory::ListPupils(c, call, filter, list);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& p : page.items) ToProto(p, out->add_pupils());
        out->set_next_page_token(page.next_page_token);
      });
}

namespace {

directory::Pupil PupilFromProto(const v1::Pupil& in, Violations& v) {
  directory::Pupil p;
  p.given_name = in.given_name();
  p.family_name = in.family_name();
  p.birth_date = in.birth_date();
  p.grade = in.grade();
  p.vocational_course = in.vocational_course();
  p.class_label = in.class_label();
  p.institution_id =
      BodyRef(in.institution(), kInstitutions, "pupil.institution", v);
  p.external_id = in.external_id();
  return p;
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::CreatePupil(
    grpc::CallbackServerContext* ctx, const v1::CreatePupilRequest* req,
    v1::Pupil* resp) {
  Violations input;
  directory::Pupil p = PupilFromProto(req->pupil(), input);
  return Serve<directory::Pupil, v1::Pupil>(
      ctx, db_, Access::kWrite,
      [p, input, request_id = req->request_id()](const CallContext& call,
                                                 Connection& c) {
        return directory::CreatePupil(c, call, p, request_id, input);
      },
      resp, [](const auto& p, auto* out) { ToProto(p, out); });
}

grpc::ServerUnaryReactor* DirectoryService::UpdatePupil(
    grpc::CallbackServerContext* ctx, const v1::UpdatePupilRequest* req,
    v1::Pupil* resp) {
  const v1::Pupil& in = req->pupil();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), kPupils, "pupil.name");
  if (!id.ok()) return Answer(ctx, id.status());
  absl::StatusOr<std::set<std::string>> paths = ResolveUpdateMask(
      req->update_mask(),
      {"given_name", "family_name", "birth_date", "grade", "vocational_course",
       "class_label", "institution", "external_id"},
      in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  Violations input;
  const directory::Pupil values = PupilFromProto(in, input);
  directory::PupilChanges changes;
  if (paths->count("given_name")) changes.given_name = values.given_name;
  if (paths->count("family_name")) changes.family_name = values.family_name;
  if (paths->count("birth_date")) changes.birth_date = values.birth_date;
  if (paths->count("grade")) changes.grade = values.grade;
  if (paths->count("vocational_course")) {
    changes.vocational_course = values.vocational_course;
  }
  if (paths->count("class_label")) changes.class_label = values.class_label;
  if (paths->count("institution")) {
    changes.institution_id = values.institution_id;
  } else {
    input = Violations();  // an institution not being changed is no matter
  }
  if (paths->count("external_id")) changes.external_id = values.external_id;
  return Serve<directory::Pupil, v1::Pupil>(
      ctx, db_, Access::kWrite,
      [id = *id, changes, input, etag = in.etag()](const CallContext& call,
                                                   Connection& c) {
        return directory::UpdatePupil(c, call, id, changes, etag, input);
      },
      resp, [](const auto& p, auto* out) { ToProto(p, out); });
}

grpc::ServerUnaryReactor* DirectoryService::DeletePupil(
    grpc::CallbackServerContext* ctx, const v1::DeletePupilRequest* req,
    google::protobuf::Empty* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kPupils, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<bool, google::protobuf::Empty>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call,
                                     Connection& c) -> absl::StatusOr<bool> {
        PUMPURS_RETURN_IF_ERROR(directory::DeletePupil(c, call, id, etag));
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

// ---- Guardians ----

grpc::ServerUnaryReactor* DirectoryService::GetGuardian(
    grpc::CallbackServerContext* ctx, const v1::GetGuardianRequest* req,
    v1::Guardian* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kGuardians, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<directory::Guardian, v1::Guardian>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return directory::GetGuardian(c, call, id);
      },
      resp, [](const auto& g, auto* out) { ToProto(g, out); });
}

grpc::ServerUnaryReactor* DirectoryService::ListGuardians(
    grpc::CallbackServerContext* ctx, const v1::ListGuardiansRequest* req,
    v1::ListGuardiansResponse* resp) {
  directory::GuardianFilter filter;
  if (!req->institution().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req->institution(), kInstitutions, "institution");
    if (!id.ok()) return Answer(ctx, id.status());
    filter.institution_id = *id;
  }
  if (!req->pupil().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req->pupil(), kPupils, "pupil");
    if (!id.ok()) return Answer(ctx, id.status());
    filter.pupil_id = *id;
  }
  filter.name_prefix = req->name_prefix();
  directory::ListRequest list{req->page_size(), req->page_token()};
  return Serve<PageOf<directory::Guardian>, v1::ListGuardiansResponse>(
      ctx, db_, Access::kRead,
      [filter, list](const CallContext& call, Connection& c) {
        return directory::ListGuardians(c, call, filter, list);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& g : page.items) ToProto(g, out->add_guardians());
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* DirectoryService::CreateGuardian(
    grpc::CallbackServerContext* ctx, const v1::CreateGuardianRequest* req,
    v1::Guardian* resp) {
  const v1::Guardian& in = req->guardian();
  Violations input;
  directory::Guardian g;
  g.given_name = in.given_name();
  g.family_name = in.family_name();
  g.external_id = in.external_id();
  g.pupil_ids = PupilRefs(in.pupils(), input);
  return Serve<directory::Guardian, v1::Guardian>(
      ctx, db_, Access::kWrite,
      [g, input, request_id = req->request_id()](const CallContext& call,
                                                 Connection& c) {
        return directory::CreateGuardian(c, call, g, request_id, input);
      },
      resp, [](const auto& g, auto* out) { ToProto(g, out); });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateGuardian(
    grpc::CallbackServerContext* ctx, const v1::UpdateGuardianRequest* req,
    v1::Guardian* resp) {
  const v1::Guardian& in = req->guardian();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), kGuardians, "guardian.name");
  if (!id.ok()) return Answer(ctx, id.status());
  absl::StatusOr<std::set<std::string>> paths = ResolveUpdateMask(
      req->update_mask(),
      {"given_name", "family_name", "external_id", "pupils"}, in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  // An empty mask means every field that is set; for the repeated pupils,
  // set means non-empty.
  if (req->update_mask().paths_size() == 0 && in.pupils_size() > 0) {
    paths->insert("pupils");
  }
  Violations input;
  directory::GuardianChanges changes;
  if (paths->count("given_name")) changes.given_name = in.given_name();
  if (paths->count("family_name")) changes.family_name = in.family_name();
  if (paths->count("external_id")) changes.external_id = in.external_id();
  if (paths->count("pupils")) changes.pupil_ids = PupilRefs(in.pupils(), input);
  return Serve<directory::Guardian, v1::Guardian>(
      ctx, db_, Access::kWrite,
      [id = *id, changes, input, etag = in.etag()](const CallContext& call,
                                                   Connection& c) {
        return directory::UpdateGuardian(c, call, id, changes, etag, input);
      },
      resp, [](const auto& g, auto* out) { ToProto(g, out); });
}

grpc::ServerUnaryReactor* DirectoryService::DeleteGuardian(
    grpc::CallbackServerContext* ctx, const v1::DeleteGuardianRequest* req,
    google::protobuf::Empty* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kGuardians, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<bool, google::protobuf::Empty>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call,
                                     Connection& c) -> absl::StatusOr<bool> {
        PUMPURS_RETURN_IF_ERROR(directory::DeleteGuardian(c, call, id, etag));
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

// ---- Staff ----

grpc::ServerUnaryReactor* DirectoryService::GetStaffMember(
    grpc::CallbackServerContext* ctx, const v1::GetStaffMemberRequest* req,
    v1::StaffMember* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kStaff, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<directory::StaffMember, v1::StaffMember>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return directory::GetStaffMember(c, call, id);
      },
      resp, [](const auto& m, auto* out) { ToProto(m, out); });
}

grpc::ServerUnaryReactor* DirectoryService::ListStaffMembers(
    grpc::CallbackServerContext* ctx, const v1::ListStaffMembersRequest* req,
    v1::ListStaffMembersResponse* resp) {
  directory::StaffFilter filter;
  if (!req->institution().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(req->institution(), kInstitutions, "institution");
    if (!id.ok()) return Answer(ctx, id.status());
    filter.institution_id = *id;
  }
  if (req->position() != v1::STAFF_POSITION_UNSPECIFIED) {
    filter.position = static_cast<directory::StaffPosition>(req->position());
  }
  filter.name_prefix = req->name_prefix();
  directory::ListRequest list{req->page_size(), req->page_token()};
  return Serve<PageOf<directory::StaffMember>, v1::ListStaffMembersResponse>(
      ctx, db_, Access::kRead,
      [filter, list](const CallContext& call, Connection& c) {
        return directory::ListStaffMembers(c, call, filter, list);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& m : page.items) ToProto(m, out->add_staff_members());
        out->set_next_page_token(page.next_page_token);
      });
}

namespace {

directory::StaffMember StaffFromProto(const v1::StaffMember& in,
                                      Violations& v) {
  directory::StaffMember m;
  m.given_name = in.given_name();
  m.family_name = in.family_name();
  m.position = static_cast<directory::StaffPosition>(in.position());
  m.institution_id =
      BodyRef(in.institution(), kInstitutions, "staff_member.institution", v);
  m.external_id = in.external_id();
  return m;
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::CreateStaffMember(
    grpc::CallbackServerContext* ctx, const v1::CreateStaffMemberRequest* req,
    v1::StaffMember* resp) {
  Violations input;
  directory::StaffMember m = StaffFromProto(req->staff_member(), input);
  m.account_id = BodyRef(req->staff_member().account(), "accounts",
                         "staff_member.account", input);
  return Serve<directory::StaffMember, v1::StaffMember>(
      ctx, db_, Access::kWrite,
      [m, input, request_id = req->request_id()](const CallContext& call,
                                                 Connection& c) {
        return directory::CreateStaffMember(c, call, m, request_id, input);
      },
      resp, [](const auto& m, auto* out) { ToProto(m, out); });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateStaffMember(
    grpc::CallbackServerContext* ctx, const v1::UpdateStaffMemberRequest* req,
    v1::StaffMember* resp) {
  const v1::StaffMember& in = req->staff_member();
  absl::StatusOr<std::string> id =
      ParseResourceName(in.name(), kStaff, "staff_member.name");
  if (!id.ok()) return Answer(ctx, id.status());
  absl::StatusOr<std::set<std::string>> paths =
      ResolveUpdateMask(req->update_mask(),
                        {"given_name", "family_name", "position", "institution",
                         "external_id", "account"},
                        in);
  if (!paths.ok()) return Answer(ctx, paths.status());
  Violations input;
  const directory::StaffMember values = StaffFromProto(in, input);
  directory::StaffChanges changes;
  if (paths->count("given_name")) changes.given_name = values.given_name;
  if (paths->count("family_name")) changes.family_name = values.family_name;
  if (paths->count("position")) changes.position = values.position;
  if (paths->count("institution")) {
    changes.institution_id = values.institution_id;
  } else {
    input = Violations();
  }
  if (paths->count("external_id")) changes.external_id = values.external_id;
  if (paths->count("account")) {
    changes.account_id =
        BodyRef(in.account(), "accounts", "staff_member.account", input);
  }
  return Serve<directory::StaffMember, v1::StaffMember>(
      ctx, db_, Access::kWrite,
      [id = *id, changes, input, etag = in.etag()](const CallContext& call,
                                                   Connection& c) {
        return directory::UpdateStaffMember(c, call, id, changes, etag, input);
      },
      resp, [](const auto& m, auto* out) { ToProto(m, out); });
}

grpc::ServerUnaryReactor* DirectoryService::DeleteStaffMember(
    grpc::CallbackServerContext* ctx, const v1::DeleteStaffMemberRequest* req,
    google::protobuf::Empty* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kStaff, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<bool, google::protobuf::Empty>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call,
                                     Connection& c) -> absl::StatusOr<bool> {
        PUMPURS_RETURN_IF_ERROR(
            directory::DeleteStaffMember(c, call, id, etag));
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

// ---- Import ----

grpc::ServerWriteReactor<v1::ImportPeopleResponse>*
DirectoryService::ImportPeople(grpc::CallbackServerContext* ctx,
                               const v1::ImportPeopleRequest* req) {
  return ImportCall::Start(ctx, db_, req);
}

}  // namespace pumpurs::rpc
