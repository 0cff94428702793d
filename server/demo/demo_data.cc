#include "server/demo/demo_data.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/auth/accounts.h"
#include "server/auth/secrets.h"
#include "server/common/call_context.h"
#include "server/common/collation.h"
#include "server/common/ids.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/demo/demo_initiatives.h"
#include "server/demo/demo_plans.h"
#include "server/demo/demo_training.h"
#include "server/directory/directory.h"

namespace pumpurs::demo {
namespace {

using storage::Connection;

struct DemoInstitution {
  const char* name;
  directory::InstitutionKind kind;
  const char* registration_number;
  int municipality;  // index into kMunicipalities
};

constexpr struct {
  const char* name;
  const char* code;
} kMunicipalities[] = {
    {"Ābeļu novads", "0900001"},
    {"Ceriņu novads", "0900002"},
};

constexpr DemoInstitution kInstitutions[] = {
    {"Ābeļu vidusskola", directory::InstitutionKind::kMunicipalGeneralSchool,
     "4313900001", 0},
    {"Ābeļu pamatskola", directory::InstitutionKind::kMunicipalGeneralSchool,
     "4312900002", 0},
    {"Ceriņu tehnikums", directory::InstitutionKind::kStateVocationalSchool,
     "4336900003", 1},
    {"Ceriņu ģimnāzija", directory::InstitutionKind::kMunicipalGeneralSchool,
     "4313900004", 1},
};

constexpr const char* kGivenNames[] = {"Anna",  "Jānis", "Līga",   "Mārtiņš",
                                       "Ēriks", "Zane",  "Ņikita", "Šarlote"};
constexpr const char* kFamilyNames[] = {"Bērziņa", "Kalniņš", "Ozola",
                                        "Čakste",  "Liepiņš", "Žagare",
                                        "Siliņa",  "Krūmiņš"};

absl::Status Insert(Connection& c, const char* sql,
                    const std::vector<std::string>& text,
                    const std::vector<int64_t>& ints) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, c.Prepare(sql));
  int i = 1;
  for (const std::string& t : text) s.Bind(i++, t);
  for (int64_t v : ints) s.Bind(i++, v);
  return s.Run();
}

// One person row of the demo: the name columns every people table has.
struct Person {
  std::string given;
  std::string family;
};

std::vector<std::string> NameColumns(const Person& p) {
  return {p.given, p.family, LatvianSortKey(p.family + "\x01" + p.given),
          FoldForSearch(p.given), FoldForSearch(p.family)};
}

absl::StatusOr<std::string> AddAccount(Connection& c,
                                       const std::string& username,
                                       std::vector<RoleBinding> roles,
                                       absl::Time now) {
  auth::AccountRecord account;
  account.username = username;
  PUMPURS_ASSIGN_OR_RETURN(account.password_hash,
                           auth::HashPassword(kDemoPassword));
  account.roles = std::move(roles);
  PUMPURS_ASSIGN_OR_RETURN(auth::AccountRecord stored,
                           auth::InsertAccount(c, std::move(account), now));
  return stored.id;
}

absl::Status Seed(Connection& c, const CallContext& call) {
  PUMPURS_ASSIGN_OR_RETURN(int64_t existing,
                           c.QueryInt("SELECT count(*) FROM municipalities"));
  if (existing > 0) return absl::OkStatus();
  const absl::Time now_time = absl::Now();
  const int64_t now = absl::ToUnixMicros(now_time);
  PUMPURS_ASSIGN_OR_RETURN(
      const std::string admin,
      AddAccount(c, "admin", {{Role::kNationalAdministrator, ""}}, now_time));
  PUMPURS_ASSIGN_OR_RETURN(
      const std::string methodologist,
      AddAccount(c, "metodikis", {{Role::kMethodologist, ""}}, now_time));
  std::vector<std::string> municipality_ids;
  std::vector<std::string> municipality_accounts;
  for (const auto& m : kMunicipalities) {
    directory::Municipality in;
    in.display_name = m.name;
    in.code = m.code;
    PUMPURS_ASSIGN_OR_RETURN(directory::Municipality out,
                             directory::CreateMunicipality(c, call, in, ""));
    municipality_ids.push_back(out.id);
    PUMPURS_ASSIGN_OR_RETURN(
        std::string coordinator,
        AddAccount(c, absl::StrCat("pasvaldiba", municipality_ids.size()),
                   {{Role::kMunicipalityCoordinator, out.id}}, now_time));
    municipality_accounts.push_back(std::move(coordinator));
  }
  int person = 0;
  int n = 0;
  std::vector<DemoSchool> schools;
  for (const DemoInstitution& d : kInstitutions) {
    ++n;
    directory::Institution in;
    in.display_name = d.name;
    in.kind = d.kind;
    in.registration_number = d.registration_number;
    in.municipality_id = municipality_ids[d.municipality];
    PUMPURS_ASSIGN_OR_RETURN(directory::Institution inst,
                             directory::CreateInstitution(c, call, in, ""));
    DemoSchool school;
    school.institution_id = inst.id;
    school.vocational =
        d.kind == directory::InstitutionKind::kStateVocationalSchool;
    school.municipality_id = in.municipality_id;
    school.municipality_coordinator = municipality_accounts[d.municipality];
    const std::pair<const char*, Role> kStaffAccounts[] = {
        {"direktors", Role::kInstitutionHead},
        {"koordinators", Role::kInstitutionCoordinator},
        {"pedagogs", Role::kPlanPreparer},
        {"konsultants", Role::kMeasureProvider},
    };
    std::vector<std::string> account_ids;
    for (const auto& [prefix, role] : kStaffAccounts) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string account,
          AddAccount(c, absl::StrCat(prefix, n), {{role, inst.id}}, now_time));
      account_ids.push_back(std::move(account));
    }
    // Positions: 7 head (direktors), 3 social pedagogue (koordinators),
    // 1 teacher (pedagogs), 2 psychologist (konsultants); each staff record
    // is linked to its account, so plans know who prepares and provides.
    const int kPositions[] = {7, 3, 1, 2};
    std::vector<std::string> staff_ids;
    for (size_t k = 0; k < std::size(kPositions); ++k) {
      Person p{kGivenNames[person % 8], kFamilyNames[(person + 3) % 8]};
      staff_ids.push_back(NewId());
      std::vector<std::string> text = {staff_ids.back(), inst.id};
      for (std::string& col : NameColumns(p)) text.push_back(std::move(col));
      text.push_back(account_ids[k]);
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO staff (id, institution_id, given_name, family_name, "
          "sort_key, search_given, search_family, account_id, position, "
          "version, create_time, update_time) VALUES (?, ?, ?, ?, CAST(? AS "
          "BLOB), ?, ?, ?, ?, 1, ?, ?)",
          text, {kPositions[k], now, now}));
      ++person;
    }
    school.head_account = account_ids[0];
    school.coordinator_account = account_ids[1];
    school.teacher_account = account_ids[2];
    school.psychologist_account = account_ids[3];
    school.head_staff = staff_ids[0];
    school.coordinator_staff = staff_ids[1];
    school.teacher_staff = staff_ids[2];
    school.psychologist_staff = staff_ids[3];
    const bool vocational =
        d.kind == directory::InstitutionKind::kStateVocationalSchool;
    // Pupils 1-4 are the ones the demo plans and accounts use; the rest
    // only have plans in past semesters (demo_statistics.h).
    for (int k = 0; k < 4 + kHistoryPupils; ++k, ++person) {
      const std::string pupil_id = NewId();
      const int grade = vocational ? 0 : 5 + (person % 8);
      const int course = vocational ? 1 + k % 4 : 0;
      // The first pupil of the vocational school is an adult.
      const int age = vocational ? (k == 0 ? 18 : 16 + k % 2) : 6 + grade;
      Person p{kGivenNames[person % 8], kFamilyNames[person % 8]};
      std::vector<std::string> text = {pupil_id, inst.id};
      for (std::string& col : NameColumns(p)) text.push_back(std::move(col));
      text.push_back(absl::StrFormat("%d-%02d-15", 2026 - age, 1 + k % 12));
      text.push_back(vocational ? absl::StrCat(course, ".k")
                                : absl::StrCat(grade, ".a"));
      text.push_back(absl::StrCat("DEMO-", n, "-", k + 1));
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO pupils (id, institution_id, given_name, family_name, "
          "sort_key, search_given, search_family, birth_date, class_label, "
          "external_id, grade, vocational_course, version, create_time, "
          "update_time) VALUES (?, ?, ?, ?, CAST(? AS BLOB), ?, ?, ?, ?, ?, ?, "
          "?, 1, ?, ?)",
          text, {grade, course, now, now}));
      const std::string guardian_id = NewId();
      Person g{kGivenNames[(person + 5) % 8], kFamilyNames[person % 8]};
      std::vector<std::string> gtext = {guardian_id};
      for (std::string& col : NameColumns(g)) gtext.push_back(std::move(col));
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO guardians (id, given_name, family_name, sort_key, "
          "search_given, search_family, version, create_time, update_time) "
          "VALUES (?, ?, ?, CAST(? AS BLOB), ?, ?, 1, ?, ?)",
          gtext, {now, now}));
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO guardian_pupils (guardian_id, pupil_id) VALUES (?, ?)",
          {guardian_id, pupil_id}, {}));
      if (k >= 4) {
        school.history_pupils.push_back(pupil_id);
        school.history_guardians.push_back(guardian_id);
        continue;
      }
      school.pupils.push_back(pupil_id);
      school.guardians.push_back(guardian_id);
      school.guardian_accounts.emplace_back();
      if (k == 0) {
        // The first guardian of each institution can sign in.
        PUMPURS_ASSIGN_OR_RETURN(
            school.guardian_accounts.back(),
            AddAccount(c, absl::StrCat("vecaks", n),
                       {{Role::kGuardian, guardian_id}}, now_time));
        if (vocational) {
          PUMPURS_ASSIGN_OR_RETURN(
              school.adult_pupil_account,
              AddAccount(c, "audzeknis", {{Role::kAdultPupil, pupil_id}},
                         now_time));
        }
      }
    }
    if (n == 1) {
      // An integration (e.g. the state register) coordinating institution 1,
      // with a fixed API key that only demo databases have.
      auth::AccountRecord service;
      service.username = "viis";
      service.is_service = true;
      service.roles = {{Role::kInstitutionCoordinator, inst.id}};
      service.api_scopes = {"directory.read", "directory.import"};
      PUMPURS_ASSIGN_OR_RETURN(
          auth::AccountRecord stored,
          auth::InsertAccount(c, std::move(service), now_time));
      PUMPURS_RETURN_IF_ERROR(
          Insert(c,
                 "INSERT INTO api_keys (id, account_id, key_hash, create_time) "
                 "VALUES (?, ?, ?, ?)",
                 {NewId(), stored.id, auth::SecretHash(kDemoApiKey)}, {now}));
    }
    schools.push_back(std::move(school));
  }
  PUMPURS_RETURN_IF_ERROR(SeedPlans(c, admin, schools, now_time));
  PUMPURS_RETURN_IF_ERROR(SeedPastSemesters(c, admin, schools, now_time));
  InitiativeAccounts youth;
  PUMPURS_ASSIGN_OR_RETURN(youth.applicant,
                           AddAccount(c, "jauniesi", {}, now_time));
  PUMPURS_ASSIGN_OR_RETURN(youth.other_applicant,
                           AddAccount(c, "biedriba", {}, now_time));
  PUMPURS_ASSIGN_OR_RETURN(youth.evaluator1,
                           AddAccount(c, "vertetajs1", {}, now_time));
  PUMPURS_ASSIGN_OR_RETURN(youth.evaluator2,
                           AddAccount(c, "vertetajs2", {}, now_time));
  PUMPURS_RETURN_IF_ERROR(SeedTraining(c, methodologist, schools, now_time));
  PUMPURS_RETURN_IF_ERROR(SeedInitiatives(
      c, youth, municipality_ids, municipality_accounts, schools, now_time));
  LogLine("demo_seeded")
      .Int("municipalities", std::size(kMunicipalities))
      .Int("institutions", std::size(kInstitutions));
  return absl::OkStatus();
}

}  // namespace

absl::Status SeedIfEmpty(storage::Database& db) {
  CallContext call;
  call.caller_id = "system:demo";
  return db.WriteSync(call, [&call](Connection& c) { return Seed(c, call); });
}

}  // namespace pumpurs::demo
