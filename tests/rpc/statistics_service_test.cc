// StatisticsService over a real server and channel: who may ask for which
// scope (every role against the country, two municipalities and three
// institutions; service accounts with and without the API scope
// "statistics.read"; no token), each answer and refusal audited as
// "statistics.read"; and the CSV export: its files, header rows,
// suppressed cells in words (English and Latvian), and an unknown language
// refused naming `language`.

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/audit.pb.h"
#include "pumpurs/v1/statistics.grpc.pb.h"
#include "server/auth/accounts.h"
#include "server/auth/secrets.h"
#include "server/common/ids.h"
#include "server/plans/store.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::IdOf;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;

struct Caller {
  std::string token;  // "" for none
  std::string actor;  // "accounts/{id}"
};

class StatisticsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = v1::StatisticsService::NewStub(server_.channel());
    server_.UseToken(server_.AdminToken());
    m1_ = Must(CreateMunicipality(server_, "Ziemeļu novads", "0100001"));
    m2_ = Must(CreateMunicipality(server_, "Dienvidu novads", "0100002"));
    i1_ = Must(CreateInstitution(server_, m1_, "A skola", "4000000001"));
    i2_ = Must(CreateInstitution(server_, m1_, "B skola", "4000000002"));
    i3_ = Must(CreateInstitution(server_, m2_, "C skola", "4000000003"));
    const std::string pupil = Must(::pumpurs::testing::CreatePupil(
        server_, i1_, "Anna", "Bērziņa", 5, "2015-03-01"));
    pupils_.push_back(pupil);
    pupils_.push_back(Must(::pumpurs::testing::CreatePupil(
        server_, i1_, "Jānis", "Liepa", 6, "2014-05-01")));
    const std::string guardian = Must(::pumpurs::testing::CreateGuardian(
        server_, {pupil}, "Inese", "Bērziņa"));
    server_.UseToken("");

    const std::string m1 = IdOf(m1_), i1 = IdOf(i1_);
    callers_["admin"] = User({{Role::kNationalAdministrator, ""}}, "admin");
    callers_["metod"] = User({{Role::kMethodologist, ""}}, "metod");
    callers_["muni1"] = User({{Role::kMunicipalityCoordinator, m1}}, "muni1");
    callers_["head1"] = User({{Role::kInstitutionHead, i1}}, "head1");
    callers_["coord1"] = User({{Role::kInstitutionCoordinator, i1}}, "coord1");
    callers_["prep1"] = User({{Role::kPlanPreparer, i1}}, "prep1");
    callers_["prov1"] = User({{Role::kMeasureProvider, i1}}, "prov1");
    callers_["guard1"] = User({{Role::kGuardian, IdOf(guardian)}}, "guard1");
    callers_["svc"] = Service("svc", {"statistics.read"});
    callers_["svc-"] = Service("svc-", {"directory.read", "plans.read"});
    callers_["anon"] = {"", ""};
  }

  static std::string Must(const absl::StatusOr<std::string>& s) {
    EXPECT_THAT(s, IsOk());
    return s.ok() ? *s : "";
  }

  Caller User(const std::vector<RoleBinding>& roles,
              const std::string& username) {
    Caller c;
    c.token = server_.TokenFor(roles, username);
    c.actor = "accounts/" + AccountId(username);
    return c;
  }

  // A service account acting nationally with these API scopes, and a key.
  Caller Service(const std::string& username,
                 const std::vector<std::string>& scopes) {
    const std::string key = auth::NewSecret("pak_");
    std::string id;
    EXPECT_THAT(
        server_.database().WriteSync(
            CallContext(),
            [&](storage::Connection& c) -> absl::Status {
              auth::AccountRecord account;
              account.username = username;
              account.is_service = true;
              account.roles = {{Role::kNationalAdministrator, ""}};
              account.api_scopes = scopes;
              absl::StatusOr<auth::AccountRecord> stored =
                  auth::InsertAccount(c, std::move(account), absl::Now());
              if (!stored.ok()) return stored.status();
              id = stored->id;
              absl::StatusOr<storage::Statement> s = c.Prepare(
                  "INSERT INTO api_keys (id, account_id, key_hash, "
                  "create_time) VALUES (?, ?, ?, 0)");
              if (!s.ok()) return s.status();
              s->Bind(1, NewId()).Bind(2, id).Bind(3, auth::SecretHash(key));
              return s->Run();
            }),
        IsOk());
    return {key, "accounts/" + id};
  }

  std::string AccountId(const std::string& username) {
    std::string id;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext(),
                    [&](storage::Connection& c) -> absl::Status {
                      absl::StatusOr<storage::Statement> s = c.Prepare(
                          "SELECT id FROM accounts WHERE username = ?");
                      if (!s.ok()) return s.status();
                      s->Bind(1, username);
                      absl::StatusOr<bool> row = s->Step();
                      if (!row.ok()) return row.status();
                      if (*row) id = s->ColumnText(0);
                      return absl::OkStatus();
                    }),
                IsOk());
    return id;
  }

  int64_t LastSeq() {
    int64_t seq = 0;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext(),
                    [&](storage::Connection& c) -> absl::Status {
                      absl::StatusOr<int64_t> n = c.QueryInt(
                          "SELECT coalesce(max(seq), 0) FROM audit_events");
                      if (!n.ok()) return n.status();
                      seq = *n;
                      return absl::OkStatus();
                    }),
                IsOk());
    return seq;
  }

  // "action resource outcome" of the actor's events after `seq`.
  std::vector<std::string> EventsSince(int64_t seq, const std::string& actor) {
    std::vector<std::string> out;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext(),
                    [&](storage::Connection& c) -> absl::Status {
                      absl::StatusOr<storage::Statement> s = c.Prepare(
                          "SELECT action, resource, outcome FROM audit_events "
                          "WHERE seq > ? AND actor = ? ORDER BY seq");
                      if (!s.ok()) return s.status();
                      s->Bind(1, seq).Bind(2, actor);
                      while (true) {
                        absl::StatusOr<bool> row = s->Step();
                        if (!row.ok()) return row.status();
                        if (!*row) break;
                        out.push_back(absl::StrCat(s->ColumnText(0), " ",
                                                   s->ColumnText(1), " ",
                                                   s->ColumnInt64(2)));
                      }
                      return absl::OkStatus();
                    }),
                IsOk());
    return out;
  }

  v1::StatisticsScope ScopeOf(const std::string& object) {
    v1::StatisticsScope s;
    if (object == "M1") s.set_municipality(m1_);
    if (object == "M2") s.set_municipality(m2_);
    if (object == "I1") s.set_institution(i1_);
    if (object == "I2") s.set_institution(i2_);
    if (object == "I3") s.set_institution(i3_);
    return s;
  }

  grpc::Status Get(const std::string& token, const v1::StatisticsScope& scope,
                   v1::ProgrammeIndicators* out, int year = 2025) {
    server_.UseToken(token);
    v1::GetProgrammeIndicatorsRequest req;
    *req.mutable_scope() = scope;
    req.mutable_period()->set_school_year(year);
    grpc::ClientContext ctx;
    return stub_->GetProgrammeIndicators(&ctx, req, out);
  }
  grpc::Status Export(const std::string& token,
                      const v1::StatisticsScope& scope,
                      const std::string& language,
                      v1::ExportProgrammeIndicatorsResponse* out) {
    server_.UseToken(token);
    v1::ExportProgrammeIndicatorsRequest req;
    *req.mutable_scope() = scope;
    req.mutable_period()->mutable_semester()->set_school_year(2025);
    req.mutable_period()->mutable_semester()->set_term(1);
    req.set_language(language);
    grpc::ClientContext ctx;
    return stub_->ExportProgrammeIndicators(&ctx, req, out);
  }

  // Two supported plans of pupils of I1 in 2025/1 (2 pupils: suppressed),
  // stored through the plan writer.
  void AddPlans() {
    CallContext system;
    system.caller_id = "system:test";
    ASSERT_THAT(
        server_.database().WriteSync(
            system,
            [&](storage::Connection& c) -> absl::Status {
              for (const std::string& pupil : pupils_) {
                const std::string app = NewId();
                absl::StatusOr<storage::Statement> s = c.Prepare(
                    "INSERT INTO plan_applications (id, pupil_id, "
                    "institution_id, municipality_id, school_year, term, "
                    "state, data, version, create_time, update_time) VALUES "
                    "(?, ?, ?, ?, 2025, 1, 1, x'', 1, 0, 0)");
                if (!s.ok()) return s.status();
                s->Bind(1, app)
                    .Bind(2, IdOf(pupil))
                    .Bind(3, IdOf(i1_))
                    .Bind(4, IdOf(m1_));
                if (absl::Status r = s->Run(); !r.ok()) return r;
                plans::StoredPlan p;
                p.id = NewId();
                p.pupil_id = IdOf(pupil);
                p.institution_id = IdOf(i1_);
                p.municipality_id = IdOf(m1_);
                p.application_id = app;
                p.preparer_id = "preparer";
                p.semester = {2025, 1};
                p.submitted = true;
                p.plan.set_preparer("staff/preparer");
                p.plan.set_state(v1::PLAN_STATE_IN_IMPLEMENTATION);
                v1::PlanRisk* r = p.plan.add_risks();
                r->set_risk_factor("riskFactors/low-achievement");
                r->set_group(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
                v1::PlanMeasure* m = p.plan.add_measures();
                m->set_id("m1");
                m->set_measure_type(
                    "measureTypes/subject-teacher-consultation");
                m->set_unit(v1::MEASURE_UNIT_HOURS);
                m->set_planned_quantity(10);
                m->set_delivered_quantity(2.5);
                if (absl::Status w =
                        plans::InsertPlan(c, system, p, absl::Now());
                    !w.ok()) {
                  return w;
                }
              }
              return absl::OkStatus();
            }),
        IsOk());
  }

  TestServer server_;
  std::unique_ptr<v1::StatisticsService::Stub> stub_;
  std::string m1_, m2_, i1_, i2_, i3_;  // resource names
  std::vector<std::string> pupils_;     // resource names
  std::map<std::string, Caller> callers_;
};

// ok = OK, -- = PERMISSION_DENIED, un = UNAUTHENTICATED. Objects: the
// country (-), municipalities M1 and M2, institutions I1 and I2 (of M1) and
// I3 (of M2). Callers: muni1 coordinates M1; head1, coord1, prep1, prov1
// work at I1; guard1 is a guardian of a pupil of I1; svc and svc- are
// national service accounts with and without the API scope
// "statistics.read".
struct Row {
  const char* caller;
  const char* cells;  // -, M1, M2, I1, I2, I3
};
// clang-format off
constexpr Row kMatrix[] = {
  //           -    M1   M2   I1   I2   I3
  {"admin",  "ok   ok   ok   ok   ok   ok"},
  {"metod",  "ok   ok   ok   ok   ok   ok"},
  {"muni1",  "--   ok   --   ok   ok   --"},
  {"head1",  "--   --   --   ok   --   --"},
  {"coord1", "--   --   --   ok   --   --"},
  {"prep1",  "--   --   --   --   --   --"},
  {"prov1",  "--   --   --   --   --   --"},
  {"guard1", "--   --   --   --   --   --"},
  {"svc",    "ok   ok   ok   ok   ok   ok"},
  {"svc-",   "--   --   --   --   --   --"},
  {"anon",   "un   un   un   un   un   un"},
};
// clang-format on
constexpr const char* kObjects[] = {"-", "M1", "M2", "I1", "I2", "I3"};

TEST_F(StatisticsServiceTest, ScopesFollowThePolicyAndEveryAnswerIsAudited) {
  int cells = 0;
  for (const Row& row : kMatrix) {
    const std::vector<std::string> want =
        absl::StrSplit(row.cells, ' ', absl::SkipEmpty());
    ASSERT_EQ(want.size(), std::size(kObjects)) << row.caller;
    const Caller& caller = callers_.at(row.caller);
    for (size_t i = 0; i < want.size(); ++i) {
      const std::string cell = absl::StrCat(row.caller, " × ", kObjects[i]);
      SCOPED_TRACE(cell);
      ++cells;
      const int64_t before = LastSeq();
      v1::ProgrammeIndicators out;
      const grpc::Status s = Get(caller.token, ScopeOf(kObjects[i]), &out);
      const grpc::StatusCode code = want[i] == "ok" ? grpc::StatusCode::OK
                                    : want[i] == "--"
                                        ? grpc::StatusCode::PERMISSION_DENIED
                                        : grpc::StatusCode::UNAUTHENTICATED;
      EXPECT_EQ(s.error_code(), code) << s.error_message();
      if (caller.actor.empty()) continue;
      // One statistics read by this caller: allowed (1) or denied (2).
      const std::string resource =
          std::string(kObjects[i]) == "-"
              ? "programmeIndicators"
              : "programmeIndicators/" + (ScopeOf(kObjects[i]).municipality() +
                                          ScopeOf(kObjects[i]).institution());
      EXPECT_THAT(EventsSince(before, caller.actor),
                  ElementsAre(absl::StrCat("statistics.read ", resource, " ",
                                           want[i] == "ok"
                                               ? v1::AUDIT_OUTCOME_ALLOWED
                                               : v1::AUDIT_OUTCOME_DENIED)));
      if (s.ok()) {
        EXPECT_EQ(out.trend_size(), 8);
      }
    }
  }
  server_.UseToken("");
  EXPECT_EQ(cells, static_cast<int>(std::size(kMatrix) * std::size(kObjects)));
}

TEST_F(StatisticsServiceTest, ExportWritesEachReportAsCsv) {
  AddPlans();
  const std::string admin = callers_.at("admin").token;
  v1::ExportProgrammeIndicatorsResponse en;
  ASSERT_THAT(Export(admin, ScopeOf("I1"), "", &en), IsOk());
  std::map<std::string, std::string> files;
  for (const v1::CsvFile& f : en.files()) files[f.filename()] = f.content();
  std::vector<std::string> names;
  for (const v1::CsvFile& f : en.files()) names.push_back(f.filename());
  EXPECT_THAT(
      names, ElementsAre("summary.csv", "plans_by_state.csv", "risk_groups.csv",
                         "risk_factors.csv", "measures.csv",
                         "compensations.csv", "youth.csv", "trend.csv"));
  // A header row, CRLF line ends.
  EXPECT_TRUE(absl::StartsWith(files["summary.csv"], "indicator,value\r\n"));
  EXPECT_TRUE(absl::StartsWith(files["plans_by_state.csv"], "state,plans\r\n"));
  EXPECT_TRUE(
      absl::StartsWith(files["risk_groups.csv"], "risk group,pupils\r\n"));
  EXPECT_TRUE(absl::StartsWith(
      files["measures.csv"],
      "measure type,title,unit,measures,planned,delivered,planned cost "
      "EUR\r\n"));
  EXPECT_TRUE(absl::StartsWith(files["trend.csv"], "semester,"));
  // Two pupils: suppressed in words, never as a number.
  EXPECT_THAT(files["summary.csv"],
              ::testing::HasSubstr("pupils supported,suppressed\r\n"));
  EXPECT_THAT(files["plans_by_state.csv"],
              ::testing::HasSubstr("being implemented,suppressed\r\n"));
  EXPECT_THAT(files["summary.csv"],
              ::testing::HasSubstr("hours planned,suppressed\r\n"));
  EXPECT_THAT(files["summary.csv"],
              ::testing::Not(::testing::HasSubstr("hours planned,20")));
  // Counts of institutions are never suppressed.
  EXPECT_THAT(files["summary.csv"],
              ::testing::HasSubstr("institutions involved,1\r\n"));
  for (const auto& [name, text] : files) {
    for (absl::string_view line : absl::StrSplit(text, "\r\n")) {
      EXPECT_FALSE(absl::StrContains(line, "\n")) << name;
    }
  }

  v1::ExportProgrammeIndicatorsResponse lv;
  ASSERT_THAT(Export(admin, ScopeOf("I1"), "lv", &lv), IsOk());
  ASSERT_EQ(lv.files_size(), 8);
  EXPECT_TRUE(absl::StartsWith(lv.files(0).content(), "rādītājs,vērtība\r\n"));
  EXPECT_THAT(lv.files(0).content(),
              ::testing::HasSubstr("atbalstītie izglītojamie,neizpaužams"));
  EXPECT_THAT(lv.files(0).content(),
              ::testing::Not(::testing::HasSubstr(",suppressed")));
}

TEST_F(StatisticsServiceTest,
       ExportRefusesAnUnknownLanguageAndFollowsThePolicy) {
  v1::ExportProgrammeIndicatorsResponse out;
  const grpc::Status de =
      Export(callers_.at("admin").token, ScopeOf("-"), "de", &out);
  EXPECT_EQ(de.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(de), ElementsAre("language"));
  EXPECT_EQ(
      Export(callers_.at("head1").token, ScopeOf("I2"), "", &out).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Export("", ScopeOf("I1"), "", &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const int64_t before = LastSeq();
  EXPECT_THAT(Export(callers_.at("head1").token, ScopeOf("I1"), "lv", &out),
              IsOk());
  EXPECT_THAT(EventsSince(before, callers_.at("head1").actor),
              ElementsAre(absl::StrCat("statistics.read programmeIndicators/",
                                       i1_, " ", v1::AUDIT_OUTCOME_ALLOWED)));
  server_.UseToken("");
}

TEST_F(StatisticsServiceTest, BadRequestsNameTheFieldOverTheWire) {
  server_.UseToken(callers_.at("admin").token);
  v1::GetProgrammeIndicatorsRequest req;
  req.set_trend_semesters(17);
  v1::ProgrammeIndicators out;
  grpc::ClientContext ctx;
  const grpc::Status s = stub_->GetProgrammeIndicators(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s),
              ::testing::UnorderedElementsAre("period", "trend_semesters"));
  v1::StatisticsScope unknown;
  unknown.set_institution("institutions/" + NewId());
  EXPECT_EQ(Get(callers_.at("admin").token, unknown, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  server_.UseToken("");
}

}  // namespace
}  // namespace pumpurs
