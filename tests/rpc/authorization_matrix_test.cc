// The authorization matrix: every demo role × directory/audit method ×
// own/foreign object over a real in-process server with demo data, each
// cell asserted against a table that mirrors the rules of
// server/auth/policy.cc. Every access to a pupil's data (pupils, guardians,
// import, the access log) must leave an audit event: ALLOWED when answered,
// DENIED when refused. Also: forged, expired and revoked credentials are
// UNAUTHENTICATED.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/audit.grpc.pb.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "server/auth/accounts.h"
#include "server/auth/secrets.h"
#include "server/auth/sessions.h"
#include "server/common/ids.h"
#include "server/demo/demo_data.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;

// ---------------------------------------------------------------------------
// The table.
//
// Columns are callers, all demo accounts (server/demo/demo_data.cc) with
// their real role bindings:
//   admin   national administrator                       (admin)
//   metod   methodologist, national, no pupil rights     (metodikis)
//   muni1   coordinator of municipality M1               (pasvaldiba1)
//   head1   head of institution I1                       (direktors1)
//   coord1  coordinator of I1                            (koordinators1)
//   prep1   plan preparer of I1                          (pedagogs1)
//   prov1   measure provider of I1                       (konsultants1)
//   guard1  guardian of pupil P11                        (vecaks1)
//   adult3  the adult pupil P31 themselves               (audzeknis)
//   viis    service account: coordinator of I1 with API scopes
//           directory.read + directory.import            (API key)
//   anon    no token at all
//
// Objects: institutions I1, I2 (both in municipality M1) and I3 (in M2);
// pupils P11, P12 (of I1; P11 is guard1's child), P21 (of I2), P31 (of I3,
// the adult pupil); guardians G11, G12, G31 of P11, P12, P31; P? is a
// well-formed name of a pupil that does not exist. "DeletePupil I1" deletes
// a pupil made for that cell in I1.
//
// Cells: ok = OK, -- = PERMISSION_DENIED, nf = NOT_FOUND,
//        un = UNAUTHENTICATED.
// ---------------------------------------------------------------------------
constexpr const char* kColumns[] = {"admin",  "metod", "muni1", "head1",
                                    "coord1", "prep1", "prov1", "guard1",
                                    "adult3", "viis",  "anon"};

struct Row {
  const char* call;
  const char* cells;
};

// clang-format off
const Row kMatrix[] = {
  //                          admin metod muni1 head1 coord1 prep1 prov1 guard1 adult3 viis anon
  // kPupilRead: the pupil's institution staff, municipality, national
  // administrator, guardians, the adult pupil; the rest cannot tell a
  // missing pupil from a foreign one.
  {"GetPupil P11",           "ok    --    ok    ok    ok     ok    ok    ok     --     ok   un"},
  {"GetPupil P12",           "ok    --    ok    ok    ok     ok    ok    --     --     ok   un"},
  {"GetPupil P21",           "ok    --    ok    --    --     --    --    --     --     --   un"},
  {"GetPupil P31",           "ok    --    --    --    --     --    --    --     ok     --   un"},
  {"GetPupil P?",            "nf    --    --    --    --     --    --    --     --     --   un"},
  // kPupilList: staff of the institution, municipality, national.
  {"ListPupils I1",          "ok    --    ok    ok    ok     ok    ok    --     --     ok   un"},
  {"ListPupils I2",          "ok    --    ok    --    --     --    --    --     --     --   un"},
  {"ListPupils I3",          "ok    --    --    --    --     --    --    --     --     --   un"},
  // kPupilWrite: head and coordinator of the institution, national; the
  // service account lacks directory.write.
  {"CreatePupil I1",         "ok    --    --    ok    ok     --    --    --     --     --   un"},
  {"CreatePupil I3",         "ok    --    --    --    --     --    --    --     --     --   un"},
  {"UpdatePupil P11",        "ok    --    --    ok    ok     --    --    --     --     --   un"},
  {"UpdatePupil P31",        "ok    --    --    --    --     --    --    --     --     --   un"},
  {"DeletePupil I1",         "ok    --    --    ok    ok     --    --    --     --     --   un"},
  {"DeletePupil I3",         "ok    --    --    --    --     --    --    --     --     --   un"},
  {"DeletePupil P?",         "nf    --    --    --    --     --    --    --     --     --   un"},
  // kGuardianRead: as kPupilRead for the guardian's pupils, but not
  // measure providers.
  {"GetGuardian G11",        "ok    --    ok    ok    ok     ok    --    ok     --     ok   un"},
  {"GetGuardian G12",        "ok    --    ok    ok    ok     ok    --    --     --     ok   un"},
  {"GetGuardian G31",        "ok    --    --    --    --     --    --    --     ok     --   un"},
  {"ListGuardians P11",      "ok    --    ok    ok    ok     ok    --    ok     --     ok   un"},
  // kGuardianList: head and coordinator of the institution, national.
  {"ListGuardians I1",       "ok    --    --    ok    ok     --    --    --     --     ok   un"},
  {"ListGuardians I3",       "ok    --    --    --    --     --    --    --     --     --   un"},
  // kStaffRead: the institution's staff, municipality, national.
  {"ListStaffMembers I1",    "ok    --    ok    ok    ok     ok    ok    --     --     ok   un"},
  {"ListStaffMembers I3",    "ok    --    --    --    --     --    --    --     --     --   un"},
  // kPeopleImport: head and coordinator, national; viis has
  // directory.import.
  {"ImportPeople I1",        "ok    --    --    ok    ok     --    --    --     --     ok   un"},
  {"ImportPeople I3",        "ok    --    --    --    --     --    --    --     --     --   un"},
  // kAuditRead: head and coordinator of the institution, municipality
  // coordinator, national; viis lacks audit.read. No filter = the
  // caller's own single scope.
  {"ListAuditEvents I1",     "ok    --    ok    ok    ok     --    --    --     --     --   un"},
  {"ListAuditEvents I3",     "ok    --    --    --    --     --    --    --     --     --   un"},
  {"ListAuditEvents M1",     "ok    --    ok    --    --     --    --    --     --     --   un"},
  {"ListAuditEvents -",      "ok    --    ok    ok    ok     --    --    --     --     --   un"},
  // kPupilAccessRead: the pupil's guardians, the adult pupil, national.
  {"ListPupilAccess P11",    "ok    --    --    --    --     --    --    ok     --     --   un"},
  {"ListPupilAccess P12",    "ok    --    --    --    --     --    --    --     --     --   un"},
  {"ListPupilAccess P31",    "ok    --    --    --    --     --    --    --     ok     --   un"},
  {"ListPupilAccess P?",     "nf    --    --    --    --     --    --    --     --     --   un"},
  // The directory of institutions is public to any signed-in caller;
  // changing it is national.
  {"CreateMunicipality -",   "ok    --    --    --    --     --    --    --     --     --   un"},
  {"CreateInstitution M1",   "ok    --    --    --    --     --    --    --     --     --   un"},
  {"ListInstitutions -",     "ok    ok    ok    ok    ok     ok    ok    ok     ok     ok   un"},
  {"GetInstitution I1",      "ok    ok    ok    ok    ok     ok    ok    ok     ok     ok   un"},
  {"GetInstitution I3",      "ok    ok    ok    ok    ok     ok    ok    ok     ok     ok   un"},
};
// clang-format on

// Methods whose every call touches a pupil's personal data and must be
// audited (DESIGN.md §5).
bool Audited(const std::string& method) {
  for (const char* m :
       {"GetPupil", "ListPupils", "CreatePupil", "UpdatePupil", "DeletePupil",
        "GetGuardian", "ListGuardians", "ImportPeople", "ListPupilAccess"}) {
    if (method == m) return true;
  }
  return false;
}

absl::StatusCode CodeOf(const std::string& cell) {
  if (cell == "ok") return absl::StatusCode::kOk;
  if (cell == "--") return absl::StatusCode::kPermissionDenied;
  if (cell == "nf") return absl::StatusCode::kNotFound;
  if (cell == "un") return absl::StatusCode::kUnauthenticated;
  ADD_FAILURE() << "unknown cell " << cell;
  return absl::StatusCode::kUnknown;
}

struct Caller {
  std::string token;  // "" for anonymous
  std::string actor;  // "accounts/{id}", "" for anonymous
};

struct AuditRow {
  std::string action;
  std::string resource;
  int outcome = 0;
};

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer(/*demo=*/true);
    Load();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static std::string QueryText(const std::string& sql, const std::string& arg) {
    std::string out;
    absl::Status s = server_->database().ReadSync(
        CallContext(), [&](storage::Connection& c) -> absl::Status {
          absl::StatusOr<storage::Statement> st = c.Prepare(sql);
          if (!st.ok()) return st.status();
          st->Bind(1, arg);
          absl::StatusOr<bool> row = st->Step();
          if (!row.ok()) return row.status();
          if (*row) out = st->ColumnText(0);
          return absl::OkStatus();
        });
    EXPECT_THAT(s, IsOk());
    EXPECT_FALSE(out.empty()) << sql << " found nothing";
    return out;
  }

  // A fresh session of a demo account, as Login would issue.
  static Caller SessionOf(const std::string& username) {
    Caller caller;
    const std::string id =
        QueryText("SELECT id FROM accounts WHERE username = ?", username);
    caller.actor = "accounts/" + id;
    absl::Status s = server_->database().WriteSync(
        CallContext(), [&](storage::Connection& c) -> absl::Status {
          absl::StatusOr<auth::IssuedSession> session =
              auth::IssueSession(c, id, absl::Now());
          if (!session.ok()) return session.status();
          caller.token = session->access_token;
          return absl::OkStatus();
        });
    EXPECT_THAT(s, IsOk());
    return caller;
  }

  static void Load() {
    auto inst = [](const char* number) {
      return QueryText(
          "SELECT id FROM institutions WHERE registration_number = ?", number);
    };
    auto pupil = [](const std::string& external_id) {
      return QueryText("SELECT id FROM pupils WHERE external_id = ?",
                       external_id);
    };
    auto guardian_of = [](const std::string& pupil_id) {
      return QueryText(
          "SELECT guardian_id FROM guardian_pupils WHERE pupil_id = ?",
          pupil_id);
    };
    const std::string i1 = inst("4313900001");
    const std::string i2 = inst("4312900002");
    const std::string i3 = inst("4336900003");
    const std::string m1 =
        QueryText("SELECT municipality_id FROM institutions WHERE id = ?", i1);
    ids_ = {{"I1", i1}, {"I2", i2}, {"I3", i3}, {"M1", m1}};
    for (const char* p : {"1-1", "1-2", "2-1", "3-1"}) {
      std::string key = absl::StrCat("P", p);
      key.erase(std::remove(key.begin(), key.end(), '-'), key.end());
      ids_[key] = pupil(absl::StrCat("DEMO-", p));
      ids_["G" + key.substr(1)] = guardian_of(ids_[key]);
    }
    ids_["P?"] = NewId();

    const char* usernames[] = {"admin",        "metodikis",     "pasvaldiba1",
                               "direktors1",   "koordinators1", "pedagogs1",
                               "konsultants1", "vecaks1",       "audzeknis"};
    for (size_t i = 0; i < std::size(usernames); ++i) {
      callers_[kColumns[i]] = SessionOf(usernames[i]);
    }
    callers_["viis"] = {
        demo::kDemoApiKey,
        "accounts/" +
            QueryText("SELECT id FROM accounts WHERE username = ?", "viis")};
    callers_["anon"] = {"", ""};
  }

  static std::string Name(const std::string& collection,
                          const std::string& object) {
    return absl::StrCat(collection, "/", ids_.at(object));
  }

  static int64_t LastSeq() {
    int64_t seq = 0;
    EXPECT_THAT(server_->database().ReadSync(
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

  static std::vector<AuditRow> EventsSince(int64_t seq,
                                           const std::string& actor) {
    std::vector<AuditRow> out;
    EXPECT_THAT(server_->database().ReadSync(
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
                        out.push_back({s->ColumnText(0), s->ColumnText(1),
                                       static_cast<int>(s->ColumnInt64(2))});
                      }
                      return absl::OkStatus();
                    }),
                IsOk());
    return out;
  }

  // A pupil of `institution` made directly in the database, for a cell
  // that deletes one.
  static std::string FreshPupil(const std::string& institution) {
    const std::string id = NewId();
    const bool vocational = institution == "I3";
    EXPECT_THAT(
        server_->database().WriteSync(
            CallContext(),
            [&](storage::Connection& c) -> absl::Status {
              absl::StatusOr<storage::Statement> s = c.Prepare(
                  "INSERT INTO pupils (id, institution_id, given_name, "
                  "family_name, sort_key, search_given, search_family, "
                  "birth_date, grade, vocational_course, class_label, "
                  "version, create_time, update_time) VALUES (?, ?, 'Matrica', "
                  "'Tests', x'00', 'matrica', 'tests', '2012-05-05', ?, ?, "
                  "'x', 1, 0, 0)");
              if (!s.ok()) return s.status();
              s->Bind(1, id)
                  .Bind(2, ids_.at(institution))
                  .Bind(3, int64_t{vocational ? 0 : 7})
                  .Bind(4, int64_t{vocational ? 1 : 0});
              return s->Run();
            }),
        IsOk());
    return id;
  }

  static v1::Pupil NewPupil(const std::string& institution) {
    v1::Pupil p;
    p.set_given_name("Matīss");
    p.set_family_name("Matricis");
    p.set_birth_date("2013-04-04");
    if (institution == "I3") {
      p.set_vocational_course(1);
      p.set_class_label("1.k");
    } else {
      p.set_grade(6);
      p.set_class_label("6.c");
    }
    p.set_institution(Name("institutions", institution));
    return p;
  }

  // A valid pupils CSV for `institution`.
  static std::string PupilsCsv(const std::string& institution) {
    static int n = 0;
    ++n;
    return absl::StrCat(
        "external_id;given_name;family_name;birth_date;grade;"
        "vocational_course;class_label\n",
        "MATRIX-", n, ";Anna;Bērziņa;2013-02-02;",
        institution == "I3" ? "0;1;1.k" : "6;0;6.b", "\n");
  }

  // Performs `call` ("Method Object") as the current token.
  static grpc::Status Perform(const std::string& call) {
    std::vector<std::string> parts = absl::StrSplit(call, ' ');
    const std::string& method = parts[0];
    const std::string& object = parts[1];
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    v1::DirectoryService::Stub& dir = server_->directory();
    auto audit = v1::AuditService::NewStub(server_->channel());
    if (method == "GetPupil") {
      v1::GetPupilRequest req;
      req.set_name(Name("pupils", object));
      v1::Pupil resp;
      return dir.GetPupil(&ctx, req, &resp);
    }
    if (method == "ListPupils") {
      v1::ListPupilsRequest req;
      req.set_institution(Name("institutions", object));
      v1::ListPupilsResponse resp;
      return dir.ListPupils(&ctx, req, &resp);
    }
    if (method == "CreatePupil") {
      v1::CreatePupilRequest req;
      *req.mutable_pupil() = NewPupil(object);
      v1::Pupil resp;
      return dir.CreatePupil(&ctx, req, &resp);
    }
    if (method == "UpdatePupil") {
      v1::UpdatePupilRequest req;
      req.mutable_pupil()->set_name(Name("pupils", object));
      req.mutable_pupil()->set_class_label(object == "P31" ? "1.m" : "5.m");
      req.mutable_update_mask()->add_paths("class_label");
      v1::Pupil resp;
      return dir.UpdatePupil(&ctx, req, &resp);
    }
    if (method == "DeletePupil") {
      v1::DeletePupilRequest req;
      req.set_name(object == "P?"
                       ? Name("pupils", object)
                       : absl::StrCat("pupils/", FreshPupil(object)));
      google::protobuf::Empty resp;
      return dir.DeletePupil(&ctx, req, &resp);
    }
    if (method == "GetGuardian") {
      v1::GetGuardianRequest req;
      req.set_name(Name("guardians", object));
      v1::Guardian resp;
      return dir.GetGuardian(&ctx, req, &resp);
    }
    if (method == "ListGuardians") {
      v1::ListGuardiansRequest req;
      if (object[0] == 'P') {
        req.set_pupil(Name("pupils", object));
      } else {
        req.set_institution(Name("institutions", object));
      }
      v1::ListGuardiansResponse resp;
      return dir.ListGuardians(&ctx, req, &resp);
    }
    if (method == "ListStaffMembers") {
      v1::ListStaffMembersRequest req;
      req.set_institution(Name("institutions", object));
      v1::ListStaffMembersResponse resp;
      return dir.ListStaffMembers(&ctx, req, &resp);
    }
    if (method == "ImportPeople") {
      v1::ImportPeopleRequest req;
      req.set_institution(Name("institutions", object));
      req.set_kind(v1::IMPORT_KIND_PUPILS);
      req.set_csv_data(PupilsCsv(object));
      req.set_validate_only(true);
      std::unique_ptr<grpc::ClientReader<v1::ImportPeopleResponse>> reader =
          dir.ImportPeople(&ctx, req);
      v1::ImportPeopleResponse resp;
      while (reader->Read(&resp)) {
      }
      return reader->Finish();
    }
    if (method == "ListAuditEvents") {
      v1::ListAuditEventsRequest req;
      if (object[0] == 'I') req.set_institution(Name("institutions", object));
      if (object[0] == 'M') {
        req.set_municipality(Name("municipalities", object));
      }
      v1::ListAuditEventsResponse resp;
      return audit->ListAuditEvents(&ctx, req, &resp);
    }
    if (method == "ListPupilAccess") {
      v1::ListPupilAccessRequest req;
      req.set_pupil(Name("pupils", object));
      v1::ListPupilAccessResponse resp;
      return audit->ListPupilAccess(&ctx, req, &resp);
    }
    if (method == "CreateMunicipality") {
      static int code = 0;
      v1::CreateMunicipalityRequest req;
      req.mutable_municipality()->set_display_name("Matricas novads");
      req.mutable_municipality()->set_code(absl::StrFormat("77%05d", ++code));
      v1::Municipality resp;
      return dir.CreateMunicipality(&ctx, req, &resp);
    }
    if (method == "CreateInstitution") {
      static int number = 0;
      v1::CreateInstitutionRequest req;
      v1::Institution* i = req.mutable_institution();
      i->set_display_name("Matricas skola");
      i->set_kind(v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
      i->set_municipality(Name("municipalities", object));
      i->set_registration_number(absl::StrFormat("47%08d", ++number));
      v1::Institution resp;
      return dir.CreateInstitution(&ctx, req, &resp);
    }
    if (method == "ListInstitutions") {
      v1::ListInstitutionsRequest req;
      v1::ListInstitutionsResponse resp;
      return dir.ListInstitutions(&ctx, req, &resp);
    }
    if (method == "GetInstitution") {
      v1::GetInstitutionRequest req;
      req.set_name(Name("institutions", object));
      v1::Institution resp;
      return dir.GetInstitution(&ctx, req, &resp);
    }
    ADD_FAILURE() << "no such call in the matrix: " << call;
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "");
  }

  static TestServer* server_;
  static std::map<std::string, std::string> ids_;
  static std::map<std::string, Caller> callers_;
};

TestServer* AuthorizationMatrixTest::server_ = nullptr;
std::map<std::string, std::string> AuthorizationMatrixTest::ids_;
std::map<std::string, Caller> AuthorizationMatrixTest::callers_;

std::string OutcomeName(int outcome) {
  return v1::AuditOutcome_Name(static_cast<v1::AuditOutcome>(outcome));
}

// Every cell of the table, with its audit trail. Failures name the cell.
TEST_F(AuthorizationMatrixTest, EveryCellBehavesAsTheRuleTableSays) {
  int cells = 0;
  int audited = 0;
  std::vector<std::string> mismatches;
  for (const Row& row : kMatrix) {
    std::vector<std::string> expected =
        absl::StrSplit(row.cells, ' ', absl::SkipEmpty());
    ASSERT_EQ(expected.size(), std::size(kColumns)) << row.call;
    const std::string method =
        std::vector<std::string>(absl::StrSplit(row.call, ' '))[0];
    for (size_t col = 0; col < std::size(kColumns); ++col) {
      const std::string cell = absl::StrCat(row.call, " as ", kColumns[col]);
      SCOPED_TRACE(cell);
      ++cells;
      const Caller& caller = callers_.at(kColumns[col]);
      server_->UseToken(caller.token);
      const int64_t before = LastSeq();
      const grpc::Status got = Perform(row.call);
      const absl::StatusCode want = CodeOf(expected[col]);
      const absl::StatusCode got_code =
          static_cast<absl::StatusCode>(got.error_code());
      if (got_code != want) {
        mismatches.push_back(
            absl::StrCat(cell, ": expected ", absl::StatusCodeToString(want),
                         ", got ", absl::StatusCodeToString(got_code), " (",
                         got.error_message(), ")"));
        continue;
      }
      if (!Audited(method) || caller.actor.empty()) continue;
      ++audited;
      // The call's audit trail: at least one event by this caller, all of
      // the expected outcome.
      const std::vector<AuditRow> events = EventsSince(before, caller.actor);
      std::string trail;
      bool found = false;
      bool wrong = false;
      for (const AuditRow& e : events) {
        absl::StrAppend(&trail, " ", e.action, ":", OutcomeName(e.outcome));
        const bool allowed = e.outcome == v1::AUDIT_OUTCOME_ALLOWED;
        if (want == absl::StatusCode::kOk) {
          found = found || allowed;
          wrong = wrong || !allowed;
        } else {
          found = found || e.outcome == v1::AUDIT_OUTCOME_DENIED;
          wrong = wrong || allowed;
        }
      }
      // NOT_FOUND (national administrator, no such pupil) is neither a
      // read nor a refusal: an event (DENIED or FAILED) is optional, but
      // nothing may claim it was allowed.
      if (want == absl::StatusCode::kNotFound) found = true;
      if (!found || wrong) {
        mismatches.push_back(
            absl::StrCat(cell, ": audit trail [", trail, " ] lacks the ",
                         want == absl::StatusCode::kOk ? "ALLOWED" : "DENIED",
                         " event or has a wrong one"));
      }
    }
  }
  server_->UseToken("");
  EXPECT_EQ(cells, static_cast<int>(std::size(kMatrix) * std::size(kColumns)));
  // 27 rows of pupil data × 10 signed-in callers.
  EXPECT_EQ(audited, 270);
  std::ostringstream report;
  for (const std::string& m : mismatches) report << "\n  " << m;
  EXPECT_TRUE(mismatches.empty())
      << mismatches.size() << " of " << cells
      << " cells differ from the rule table:" << report.str();
}

// A refused caller learns nothing from the error of a missing pupil that
// it would not learn from a foreign one.
TEST_F(AuthorizationMatrixTest, MissingAndForeignPupilsLookTheSame) {
  server_->UseToken(callers_.at("head1").token);
  grpc::Status foreign = Perform("GetPupil P31");
  grpc::Status missing = Perform("GetPupil P?");
  server_->UseToken("");
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_code(), foreign.error_code());
  EXPECT_EQ(missing.error_message(), foreign.error_message());
  EXPECT_EQ(::pumpurs::testing::DecodeWireError(missing).reason,
            ::pumpurs::testing::DecodeWireError(foreign).reason);
}

// ---------------------------------------------------------------------------
// Credentials that are not (or no longer) valid.
// ---------------------------------------------------------------------------

class CredentialsTest : public ::testing::Test {
 protected:
  grpc::Status ListMunicipalities() {
    grpc::ClientContext ctx;
    v1::ListMunicipalitiesRequest req;
    v1::ListMunicipalitiesResponse resp;
    return server_.directory().ListMunicipalities(&ctx, req, &resp);
  }
  absl::Status Exec(const std::string& sql, const std::string& arg) {
    return server_.database().WriteSync(
        CallContext(), [&](storage::Connection& c) -> absl::Status {
          absl::StatusOr<storage::Statement> s = c.Prepare(sql);
          if (!s.ok()) return s.status();
          s->Bind(1, arg);
          return s->Run();
        });
  }

  TestServer server_;
};

TEST_F(CredentialsTest, ForgedTokensAreUnauthenticated) {
  const std::string valid = server_.AdminToken();
  server_.UseToken(valid);
  ASSERT_THAT(ListMunicipalities(), IsOk());
  for (const std::string& forged :
       {auth::NewSecret("pat_"), valid + "x", valid.substr(1),
        std::string(300, 'a'), std::string("pak_demo_viis_integration_key")}) {
    server_.UseToken(forged);
    EXPECT_THAT(ListMunicipalities(),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  server_.UseToken("");
  EXPECT_THAT(ListMunicipalities(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(CredentialsTest, ExpiredTokensAreUnauthenticated) {
  const std::string token = server_.AdminToken();
  server_.UseToken(token);
  ASSERT_THAT(ListMunicipalities(), IsOk());
  ASSERT_THAT(Exec("UPDATE sessions SET access_expire_time = 1 "
                   "WHERE access_hash = ?",
                   auth::SecretHash(token)),
              IsOk());
  EXPECT_THAT(ListMunicipalities(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(CredentialsTest, RevokedTokensAreUnauthenticated) {
  const std::string token = server_.AdminToken();
  const std::string other = server_.AdminToken();
  server_.UseToken(token);
  ASSERT_THAT(ListMunicipalities(), IsOk());
  ASSERT_THAT(Exec("UPDATE sessions SET revoked = 1 WHERE access_hash = ?",
                   auth::SecretHash(token)),
              IsOk());
  EXPECT_THAT(ListMunicipalities(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // Only that session.
  server_.UseToken(other);
  EXPECT_THAT(ListMunicipalities(), IsOk());
}

TEST_F(CredentialsTest, RevokedApiKeysAndDisabledAccountsAreUnauthenticated) {
  const std::string key = auth::NewSecret("pak_");
  ASSERT_THAT(server_.database().WriteSync(
                  CallContext(),
                  [&](storage::Connection& c) -> absl::Status {
                    auth::AccountRecord account;
                    account.username = "integration";
                    account.is_service = true;
                    account.api_scopes = {"directory.read"};
                    absl::StatusOr<auth::AccountRecord> stored =
                        auth::InsertAccount(c, std::move(account), absl::Now());
                    if (!stored.ok()) return stored.status();
                    absl::StatusOr<storage::Statement> s = c.Prepare(
                        "INSERT INTO api_keys (id, account_id, key_hash, "
                        "create_time) VALUES (?, ?, ?, 0)");
                    if (!s.ok()) return s.status();
                    s->Bind(1, NewId())
                        .Bind(2, stored->id)
                        .Bind(3, auth::SecretHash(key));
                    return s->Run();
                  }),
              IsOk());
  server_.UseToken(key);
  ASSERT_THAT(ListMunicipalities(), IsOk());
  ASSERT_THAT(Exec("UPDATE api_keys SET revoked = 1 WHERE key_hash = ?",
                   auth::SecretHash(key)),
              IsOk());
  EXPECT_THAT(ListMunicipalities(),
              StatusIs(absl::StatusCode::kUnauthenticated));

  const std::string token =
      server_.TokenFor({{Role::kNationalAdministrator, ""}}, "soon-disabled");
  server_.UseToken(token);
  ASSERT_THAT(ListMunicipalities(), IsOk());
  ASSERT_THAT(Exec("UPDATE accounts SET disabled = 1 WHERE username = ?",
                   "soon-disabled"),
              IsOk());
  EXPECT_THAT(ListMunicipalities(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace pumpurs
