#include "tests/testing/directory_setup.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::testing {

namespace v1 = ::pumpurs::v1;

absl::StatusOr<std::string> CreateMunicipality(TestServer& server,
                                               const std::string& display_name,
                                               const std::string& code) {
  grpc::ClientContext ctx;
  v1::CreateMunicipalityRequest req;
  req.mutable_municipality()->set_display_name(display_name);
  req.mutable_municipality()->set_code(code);
  v1::Municipality out;
  grpc::Status s = server.directory().CreateMunicipality(&ctx, req, &out);
  if (!s.ok()) return ToAbsl(s);
  return out.name();
}

absl::StatusOr<std::string> CreateInstitution(
    TestServer& server, const std::string& municipality,
    const std::string& display_name, const std::string& registration_number,
    v1::InstitutionKind kind) {
  grpc::ClientContext ctx;
  v1::CreateInstitutionRequest req;
  v1::Institution* i = req.mutable_institution();
  i->set_display_name(display_name);
  i->set_kind(kind);
  i->set_municipality(municipality);
  i->set_registration_number(registration_number);
  v1::Institution out;
  grpc::Status s = server.directory().CreateInstitution(&ctx, req, &out);
  if (!s.ok()) return ToAbsl(s);
  return out.name();
}

absl::StatusOr<std::string> CreatePupil(TestServer& server,
                                        const std::string& institution,
                                        const std::string& given_name,
                                        const std::string& family_name,
                                        int grade,
                                        const std::string& birth_date) {
  v1::Pupil p;
  p.set_given_name(given_name);
  p.set_family_name(family_name);
  p.set_birth_date(birth_date);
  p.set_grade(grade);
  p.set_class_label(absl::StrCat(grade, ".a"));
  p.set_institution(institution);
  return CreatePupil(server, p);
}

absl::StatusOr<std::string> CreatePupil(TestServer& server,
                                        const v1::Pupil& pupil) {
  grpc::ClientContext ctx;
  v1::CreatePupilRequest req;
  *req.mutable_pupil() = pupil;
  v1::Pupil out;
  grpc::Status s = server.directory().CreatePupil(&ctx, req, &out);
  if (!s.ok()) return ToAbsl(s);
  return out.name();
}

absl::StatusOr<std::string> CreateGuardian(
    TestServer& server, const std::vector<std::string>& pupils,
    const std::string& given_name, const std::string& family_name) {
  grpc::ClientContext ctx;
  v1::CreateGuardianRequest req;
  req.mutable_guardian()->set_given_name(given_name);
  req.mutable_guardian()->set_family_name(family_name);
  for (const std::string& p : pupils) req.mutable_guardian()->add_pupils(p);
  v1::Guardian out;
  grpc::Status s = server.directory().CreateGuardian(&ctx, req, &out);
  if (!s.ok()) return ToAbsl(s);
  return out.name();
}

}  // namespace pumpurs::testing
