#ifndef PUMPURS_TESTS_DIRECTORY_PEOPLE_FIXTURE_H_
#define PUMPURS_TESTS_DIRECTORY_PEOPLE_FIXTURE_H_

// People tests: two municipalities, three institutions (A and B in one
// municipality, C in the other), callers in every role, and helpers that
// run the people functions (people.h, import.h) as a given caller in real
// executor transactions.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "server/common/audit_event.h"
#include "server/directory/import.h"
#include "server/directory/people.h"
#include "tests/directory/directory_fixture.h"

namespace pumpurs::directory {

// A signed-in caller with these roles.
inline CallContext As(const std::string& account,
                      std::vector<RoleBinding> roles) {
  CallContext call;
  call.caller_id = "accounts/" + account;
  call.principal.account_id = account;
  call.principal.roles = std::move(roles);
  return call;
}

// "YYYY-MM-DD" of a birthday `years` ago (minus a few days, so the age is
// exactly `years` today).
inline std::string BornYearsAgo(int years, int days_more = 3) {
  const absl::CivilDay today = Today();
  // February 29 has no anniversary in most years: use the 28th.
  const int day = today.month() == 2 && today.day() == 29 ? 28 : today.day();
  const absl::CivilDay birthday =
      absl::CivilDay(today.year() - years, today.month(), day) - days_more;
  return absl::FormatCivilTime(birthday).substr(0, 10);
}

class PeopleTest : public DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    north_ = MustCreateM("Ziemeļu novads");
    south_ = MustCreateM("Dienvidu novads");
    a_ = MustCreateI(School(north_.id, "A skola"));
    b_ = MustCreateI(School(north_.id, "B skola"));
    c_ = MustCreateI(School(south_.id, "C skola"));
  }

  CallContext Admin() {
    return As("admin", {{Role::kNationalAdministrator, ""}});
  }
  CallContext Head(const Institution& i) {
    return As("head-" + i.id, {{Role::kInstitutionHead, i.id}});
  }
  CallContext Coordinator(const Institution& i) {
    return As("coord-" + i.id, {{Role::kInstitutionCoordinator, i.id}});
  }
  CallContext Teacher(const Institution& i) {
    return As("teacher-" + i.id, {{Role::kPlanPreparer, i.id}});
  }
  CallContext Provider(const Institution& i) {
    return As("provider-" + i.id, {{Role::kMeasureProvider, i.id}});
  }
  CallContext MunicipalityCoordinator(const Municipality& m) {
    return As("muni-" + m.id, {{Role::kMunicipalityCoordinator, m.id}});
  }
  CallContext GuardianOf(const std::string& guardian_id) {
    return As("guardian-" + guardian_id, {{Role::kGuardian, guardian_id}});
  }
  CallContext AdultPupil(const std::string& pupil_id) {
    return As("pupil-" + pupil_id, {{Role::kAdultPupil, pupil_id}});
  }
  CallContext Anonymous() { return CallContext{}; }

  // Runs f(Connection&, const CallContext&) as `call` in a write
  // transaction; `call` keeps the events the work deferred.
  template <typename T, typename F>
  absl::StatusOr<T> WriteAs(const CallContext& call, F f) {
    return Write<T>([&](storage::Connection& c) { return f(c, call); }, call);
  }
  template <typename F>
  absl::Status WriteStatusAs(const CallContext& call, F f) {
    return db_->WriteSync(call,
                          [&](storage::Connection& c) { return f(c, call); });
  }
  template <typename T, typename F>
  absl::StatusOr<T> ReadAs(const CallContext& call, F f) {
    absl::StatusOr<T> out = absl::UnknownError("not run");
    absl::Status s = db_->ReadSync(call, [&](storage::Connection& c) {
      out = f(c, call);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }

  // A valid pupil of `institution_id` in grade 5.
  Pupil NewPupil(const std::string& institution_id, const std::string& given,
                 const std::string& family, int grade = 5) {
    Pupil p;
    p.given_name = given;
    p.family_name = family;
    p.birth_date = BornYearsAgo(11);
    p.grade = grade;
    p.class_label = absl::StrCat(grade, ".a");
    p.institution_id = institution_id;
    return p;
  }

  absl::StatusOr<Pupil> CreateP(const CallContext& call, const Pupil& p,
                                const std::string& request_id = "") {
    return WriteAs<Pupil>(call,
                          [&](storage::Connection& c, const CallContext& cc) {
                            return CreatePupil(c, cc, p, request_id);
                          });
  }
  Pupil MustCreateP(const std::string& institution_id, const std::string& given,
                    const std::string& family, int grade = 5) {
    absl::StatusOr<Pupil> p =
        CreateP(Admin(), NewPupil(institution_id, given, family, grade));
    EXPECT_THAT(p, ::pumpurs::testing::IsOk());
    return p.ok() ? *p : Pupil{};
  }
  absl::StatusOr<Pupil> GetP(const CallContext& call, const std::string& id) {
    return ReadAs<Pupil>(call,
                         [&](storage::Connection& c, const CallContext& cc) {
                           return GetPupil(c, cc, id);
                         });
  }
  absl::StatusOr<Page<Pupil>> ListP(const CallContext& call,
                                    const PupilFilter& filter,
                                    int page_size = 0,
                                    const std::string& token = "") {
    ListRequest req{page_size, token};
    return ReadAs<Page<Pupil>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListPupils(c, cc, filter, req);
        });
  }
  PupilFilter InInstitution(const Institution& i) {
    PupilFilter f;
    f.institution_id = i.id;
    return f;
  }

  Guardian NewGuardian(const std::string& given, const std::string& family,
                       std::vector<std::string> pupil_ids) {
    Guardian g;
    g.given_name = given;
    g.family_name = family;
    g.pupil_ids = std::move(pupil_ids);
    return g;
  }
  absl::StatusOr<Guardian> CreateG(const CallContext& call, const Guardian& g,
                                   const std::string& request_id = "") {
    return WriteAs<Guardian>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CreateGuardian(c, cc, g, request_id);
        });
  }
  Guardian MustCreateG(const std::string& given, const std::string& family,
                       std::vector<std::string> pupil_ids) {
    absl::StatusOr<Guardian> g =
        CreateG(Admin(), NewGuardian(given, family, std::move(pupil_ids)));
    EXPECT_THAT(g, ::pumpurs::testing::IsOk());
    return g.ok() ? *g : Guardian{};
  }
  absl::StatusOr<Guardian> GetG(const CallContext& call,
                                const std::string& id) {
    return ReadAs<Guardian>(call,
                            [&](storage::Connection& c, const CallContext& cc) {
                              return GetGuardian(c, cc, id);
                            });
  }

  // Import as `call` in one write transaction.
  absl::StatusOr<ImportReport> Import(const CallContext& call, ImportKind kind,
                                      const std::string& csv,
                                      const Institution& i,
                                      bool validate_only = false) {
    ImportRequest req;
    req.institution_id = i.id;
    req.kind = kind;
    req.csv_data = csv;
    req.validate_only = validate_only;
    return WriteAs<ImportReport>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ImportPeople(c, cc, req);
        });
  }

  // The audit trail as stored: "action resource outcome" per event, oldest
  // first.
  std::vector<std::string> StoredAudit() {
    std::vector<std::string> out;
    absl::Status s = db_->ReadSync(CallContext{}, [&](storage::Connection& c) {
      absl::StatusOr<storage::Statement> st = c.Prepare(
          "SELECT action, resource, outcome FROM audit_events ORDER BY seq");
      if (!st.ok()) return st.status();
      while (true) {
        absl::StatusOr<bool> row = st->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        out.push_back(absl::StrCat(st->ColumnText(0), " ", st->ColumnText(1),
                                   " ", st->ColumnInt64(2)));
      }
      return absl::OkStatus();
    });
    EXPECT_THAT(s, ::pumpurs::testing::IsOk());
    return out;
  }
  // The events a call deferred, in the same form.
  static std::vector<std::string> Deferred(const CallContext& call) {
    std::vector<std::string> out;
    for (const AuditEvent& e : *call.deferred_audit) {
      out.push_back(absl::StrCat(e.action, " ", e.resource, " ",
                                 static_cast<int>(e.outcome)));
    }
    return out;
  }

  Municipality north_;
  Municipality south_;
  Institution a_;
  Institution b_;
  Institution c_;
};

// "Family Given" of each item, in order.
template <typename T>
std::vector<std::string> FullNames(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const T& item : items) {
    out.push_back(item.family_name + " " + item.given_name);
  }
  return out;
}

inline std::string PupilName(const std::string& id) { return "pupils/" + id; }
inline std::string InstitutionName(const std::string& id) {
  return "institutions/" + id;
}

}  // namespace pumpurs::directory

#endif  // PUMPURS_TESTS_DIRECTORY_PEOPLE_FIXTURE_H_
