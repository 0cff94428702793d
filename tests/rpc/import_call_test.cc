// ImportPeople over a real server: progress messages, then the final
// report; bad rows end INVALID_ARGUMENT (IMPORT_ROWS_INVALID) after a final
// message that lists them; validate_only; a 16 MiB request gets through to
// the domain; refusals audited as denied; cancellation; and the time 10,000
// rows take end to end.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status_macros.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IdOf;

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::IsEmpty;

// A pupils file of `n` rows.
std::string PupilsFile(int n, const std::string& class_label = "5.a") {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  const std::string born = absl::StrFormat("%04d-01-01", today.year() - 11);
  std::string csv =
      "ID;Vārds;Uzvārds;Dzimšanas datums;Klase;Klases nosaukums\n";
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&csv, "R", i, ";Vārds", i % 101, ";Uzvārds", i % 103, ";",
                    born, ";", 1 + i % 12, ";", class_label, "\n");
  }
  return csv;
}

struct Streamed {
  std::vector<v1::ImportPeopleResponse> messages;
  grpc::Status status;
};

class ImportCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    ASSERT_THAT(municipality, IsOk());
    for (const char* number : {"4000000001", "4000000002"}) {
      absl::StatusOr<std::string> institution = CreateInstitution(
          server_, *municipality, absl::StrCat("Skola ", number), number);
      ASSERT_THAT(institution, IsOk());
      institutions_.push_back(*institution);
    }
    a_ = institutions_[0];
  }

  Streamed Import(const std::string& csv, bool validate_only = false,
                  v1::ImportKind kind = v1::IMPORT_KIND_PUPILS,
                  const std::string& institution = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(60));
    v1::ImportPeopleRequest req;
    req.set_institution(institution.empty() ? a_ : institution);
    req.set_kind(kind);
    req.set_csv_data(csv);
    req.set_validate_only(validate_only);
    Streamed out;
    auto reader = server_.directory().ImportPeople(&ctx, req);
    v1::ImportPeopleResponse message;
    while (reader->Read(&message)) out.messages.push_back(message);
    out.status = reader->Finish();
    return out;
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext{},
                    [&](storage::Connection& c) -> absl::Status {
                      PUMPURS_ASSIGN_OR_RETURN(n, c.QueryInt(sql));
                      return absl::OkStatus();
                    }),
                IsOk());
    return n;
  }
  std::vector<std::string> Audit() {
    std::vector<std::string> out;
    absl::Status s = server_.database().ReadSync(
        CallContext{}, [&](storage::Connection& c) -> absl::Status {
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement st,
              c.Prepare("SELECT action, resource, outcome FROM audit_events "
                        "ORDER BY seq"));
          while (true) {
            PUMPURS_ASSIGN_OR_RETURN(bool row, st.Step());
            if (!row) break;
            out.push_back(absl::StrCat(st.ColumnText(0), " ", st.ColumnText(1),
                                       " ", st.ColumnInt64(2)));
          }
          return absl::OkStatus();
        });
    EXPECT_THAT(s, IsOk());
    return out;
  }

  TestServer server_;
  std::vector<std::string> institutions_;
  std::string a_;
};

TEST_F(ImportCallTest, StreamsProgressThenTheReport) {
  Streamed s = Import(PupilsFile(3000));
  ASSERT_THAT(s.status, IsOk());
  ASSERT_GE(s.messages.size(), 2u);
  // The first message tells the total; progress only grows.
  EXPECT_EQ(s.messages.front().rows_total(), 3000);
  EXPECT_FALSE(s.messages.front().done());
  for (size_t i = 1; i < s.messages.size(); ++i) {
    EXPECT_GE(s.messages[i].rows_done(), s.messages[i - 1].rows_done());
  }
  const v1::ImportPeopleResponse& last = s.messages.back();
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.rows_total(), 3000);
  EXPECT_EQ(last.rows_done(), 3000);
  EXPECT_EQ(last.created(), 3000);
  EXPECT_EQ(last.updated(), 0);
  EXPECT_EQ(last.unchanged(), 0);
  EXPECT_EQ(last.errors_size(), 0);
  for (size_t i = 0; i + 1 < s.messages.size(); ++i) {
    EXPECT_FALSE(s.messages[i].done());
  }
  EXPECT_EQ(Count("SELECT count(*) FROM pupils"), 3000);
  EXPECT_THAT(Audit(), Contains(absl::StrCat("import.pupils ", a_, " 1")));

  Streamed again = Import(PupilsFile(3000));
  ASSERT_THAT(again.status, IsOk());
  EXPECT_EQ(again.messages.back().unchanged(), 3000);
  EXPECT_EQ(Count("SELECT max(version) FROM pupils"), 1);
}

TEST_F(ImportCallTest, BadRowsEndInvalidArgumentAfterTheReport) {
  std::string csv = PupilsFile(10);
  csv += "X1;;Ozols;2015-02-30;5;5.a\n";  // line 12: two problems
  Streamed s = Import(csv);
  EXPECT_THAT(s.status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s.status, HasReason("IMPORT_ROWS_INVALID"));
  ASSERT_FALSE(s.messages.empty());
  const v1::ImportPeopleResponse& last = s.messages.back();
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.created(), 0);
  ASSERT_EQ(last.errors_size(), 2);
  EXPECT_EQ(last.errors(0).line(), 12);
  EXPECT_EQ(last.errors(0).column(), "Vārds");
  EXPECT_EQ(last.errors(0).reason(), "is required");
  EXPECT_EQ(last.errors(1).column(), "Dzimšanas datums");
  EXPECT_EQ(Count("SELECT count(*) FROM pupils"), 0);
  EXPECT_THAT(Audit(), Contains(absl::StrCat("import.pupils ", a_, " 3")));
}

TEST_F(ImportCallTest, ValidateOnlyStoresNothing) {
  Streamed s = Import(PupilsFile(20), /*validate_only=*/true);
  ASSERT_THAT(s.status, IsOk());
  EXPECT_TRUE(s.messages.back().done());
  EXPECT_EQ(s.messages.back().created(), 20);
  EXPECT_EQ(Count("SELECT count(*) FROM pupils"), 0);
}

TEST_F(ImportCallTest, GuardiansAndStaff) {
  ASSERT_THAT(Import(PupilsFile(3)).status, IsOk());
  Streamed g = Import(
      "external_id,given_name,family_name,pupil_external_ids\n"
      "G1,Inese,Ozola,R0|R1\n",
      false, v1::IMPORT_KIND_GUARDIANS);
  ASSERT_THAT(g.status, IsOk());
  EXPECT_EQ(g.messages.back().created(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM guardian_pupils"), 2);
  Streamed s =
      Import("external_id;vārds;uzvārds;amats\nS1;Ilze;Kalniņa;psihologs\n",
             false, v1::IMPORT_KIND_STAFF);
  ASSERT_THAT(s.status, IsOk());
  EXPECT_EQ(Count("SELECT count(*) FROM staff WHERE position = 2"), 1);
}

TEST_F(ImportCallTest, RequestProblems) {
  Streamed s = Import("a\n", false, v1::IMPORT_KIND_UNSPECIFIED);
  EXPECT_THAT(ViolatedFields(s.status), ::testing::ElementsAre("kind"));
  EXPECT_THAT(s.messages, IsEmpty());
  s = Import("a\n", false, v1::IMPORT_KIND_PUPILS, "municipalities/x");
  EXPECT_THAT(ViolatedFields(s.status), ::testing::ElementsAre("institution"));
  // A file over 16 MiB reaches the server (17 MiB receive limit) and is
  // refused by the import's own rule.
  s = Import(std::string(16 * 1024 * 1024 + 1, 'x'));
  EXPECT_THAT(s.status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s.status), ::testing::ElementsAre("csv_data"));
}

TEST_F(ImportCallTest, ARefusedImportIsAuditedAsDenied) {
  server_.UseToken(
      server_.TokenFor({{Role::kPlanPreparer, IdOf(a_)}}, "teacher"));
  Streamed s = Import(PupilsFile(5));
  EXPECT_THAT(s.status, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(s.messages, IsEmpty());
  EXPECT_EQ(Count("SELECT count(*) FROM pupils"), 0);
  EXPECT_THAT(Audit(), Contains(absl::StrCat("import.pupils ", a_, " 2")));
  // The head of another school neither.
  server_.UseToken(server_.TokenFor(
      {{Role::kInstitutionHead, IdOf(institutions_[1])}}, "other-head"));
  EXPECT_THAT(Import(PupilsFile(5)).status,
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Anonymous callers are not even asked what they brought.
  server_.UseToken("");
  EXPECT_THAT(Import(PupilsFile(5)).status,
              StatusIs(absl::StatusCode::kUnauthenticated));
  // The institution's coordinator may.
  server_.UseToken(server_.TokenFor({{Role::kInstitutionCoordinator, IdOf(a_)}},
                                    "coordinator"));
  EXPECT_THAT(Import(PupilsFile(5)).status, IsOk());
}

TEST_F(ImportCallTest, CancellingStopsTheImport) {
  const std::string csv = PupilsFile(100000);
  grpc::ClientContext ctx;
  v1::ImportPeopleRequest req;
  req.set_institution(a_);
  req.set_kind(v1::IMPORT_KIND_PUPILS);
  req.set_csv_data(csv);
  auto reader = server_.directory().ImportPeople(&ctx, req);
  v1::ImportPeopleResponse first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(first.rows_total(), 100000);
  ctx.TryCancel();
  v1::ImportPeopleResponse rest;
  while (reader->Read(&rest)) {
  }
  EXPECT_THAT(reader->Finish(), StatusIs(absl::StatusCode::kCancelled));
  // The server finishes its side and stores nothing; the next call works.
  Streamed after = Import(PupilsFile(3));
  ASSERT_THAT(after.status, IsOk());
  EXPECT_EQ(Count("SELECT count(*) FROM pupils"), 3);
}

TEST_F(ImportCallTest, TenThousandRowsEndToEnd) {
  const std::string csv = PupilsFile(10000);
  const auto start = std::chrono::steady_clock::now();
  Streamed s = Import(csv);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_THAT(s.status, IsOk());
  EXPECT_EQ(s.messages.back().created(), 10000);
  std::printf(
      "[ timing   ] ImportPeople RPC, 10,000 pupil rows (%zu KiB): %.2f s, "
      "%zu messages\n",
      csv.size() / 1024, seconds, s.messages.size());
  EXPECT_LT(seconds, 30.0);  // a sanity bound; the number is printed
}

}  // namespace
}  // namespace pumpurs
