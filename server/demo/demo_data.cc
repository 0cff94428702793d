#include "server/demo/demo_data.h"

#include <string>
#include <vector>

#include "server/common/call_context.h"
#include "server/common/ids.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
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

absl::Status Seed(Connection& c, const CallContext& call) {
  PUMPURS_ASSIGN_OR_RETURN(int64_t existing,
                           c.QueryInt("SELECT count(*) FROM municipalities"));
  if (existing > 0) return absl::OkStatus();
  std::vector<std::string> municipality_ids;
  for (const auto& m : kMunicipalities) {
    directory::Municipality in;
    in.display_name = m.name;
    in.code = m.code;
    PUMPURS_ASSIGN_OR_RETURN(directory::Municipality out,
                             directory::CreateMunicipality(c, call, in, ""));
    municipality_ids.push_back(out.id);
  }
  const int64_t now = absl::ToUnixMicros(absl::Now());
  int person = 0;
  for (const DemoInstitution& d : kInstitutions) {
    directory::Institution in;
    in.display_name = d.name;
    in.kind = d.kind;
    in.registration_number = d.registration_number;
    in.municipality_id = municipality_ids[d.municipality];
    PUMPURS_ASSIGN_OR_RETURN(directory::Institution inst,
                             directory::CreateInstitution(c, call, in, ""));
    // Positions follow the identity issue's numbering: 1 teacher,
    // 2 psychologist, 3 social pedagogue.
    for (int position = 1; position <= 3; ++position, ++person) {
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO staff (id, institution_id, given_name, family_name, "
          "position, version, create_time, update_time) "
          "VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
          {NewId(), inst.id, kGivenNames[person % 8],
           kFamilyNames[(person + 3) % 8]},
          {position, now, now}));
    }
    for (int k = 0; k < 4; ++k, ++person) {
      const std::string pupil_id = NewId();
      const int grade = 5 + (person % 8);
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO pupils (id, institution_id, given_name, family_name, "
          "birth_date, class_label, grade, version, create_time, update_time) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
          {pupil_id, inst.id, kGivenNames[person % 8], kFamilyNames[person % 8],
           std::to_string(2026 - 6 - grade) + "-0" + std::to_string(1 + k) +
               "-15",
           std::to_string(grade) + ".a"},
          {grade, now, now}));
      const std::string guardian_id = NewId();
      PUMPURS_RETURN_IF_ERROR(
          Insert(c,
                 "INSERT INTO guardians (id, given_name, family_name, version, "
                 "create_time, update_time) VALUES (?, ?, ?, 1, ?, ?)",
                 {guardian_id, kGivenNames[(person + 5) % 8],
                  kFamilyNames[person % 8]},
                 {now, now}));
      PUMPURS_RETURN_IF_ERROR(Insert(
          c,
          "INSERT INTO guardian_pupils (guardian_id, pupil_id) VALUES (?, ?)",
          {guardian_id, pupil_id}, {}));
    }
  }
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
