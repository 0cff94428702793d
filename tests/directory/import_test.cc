// CSV import of pupils, guardians and staff: Latvian and English headers,
// ";" and "," files, BOM and quotes; every bad row reported by line, column
// and reason with nothing stored; re-importing changes nothing; changed
// rows count as updated; limits, access, audit; and the time 10,000 rows
// take.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/directory/people_fixture.h"

namespace pumpurs::directory {

inline void PrintTo(const ImportError& e, std::ostream* os) {
  *os << "{line " << e.line << ", " << e.column << ": " << e.reason << "}";
}

namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::SizeIs;

ImportError Err(int line, const std::string& column,
                const std::string& reason) {
  return {line, column, reason};
}

class ImportTest : public PeopleTest {
 protected:
  // Pupils by family name, as stored.
  std::vector<Pupil> StoredPupils(const Institution& i) {
    absl::StatusOr<Page<Pupil>> page = ListP(Admin(), InInstitution(i), 500);
    EXPECT_THAT(page, IsOk());
    return page.ok() ? page->items : std::vector<Pupil>{};
  }

  // A pupils file of `n` rows "P<i>" (comma separated).
  std::string PupilsFile(int n, const std::string& class_label = "5.a") {
    std::string csv =
        "external_id,given_name,family_name,birth_date,grade,class_label\n";
    const std::string born = BornYearsAgo(11);
    for (int i = 0; i < n; ++i) {
      absl::StrAppend(&csv, "P", i, ",Vārds", i % 97, ",Uzvārds", i % 89, ",",
                      born, ",", 1 + i % 12, ",", class_label, "\n");
    }
    return csv;
  }
};

TEST_F(ImportTest, SemicolonFileWithLatvianHeadersBomAndCrlf) {
  const std::string born = BornYearsAgo(12);
  const std::string csv = absl::StrCat(
      "\xEF\xBB\xBF"
      "Ārējais ID;Vārds;UZVĀRDS;Dzimšanas datums;Klase;Kurss;Klases "
      "nosaukums\r\n",
      "V-1;Līga;Bērziņa;", born, ";6;;6.a\r\n", "V-2;Jānis;Žīgurs;", born,
      ";7;;\"7.b\"\r\n", "V-3;\"Anna; Marija\";Ozola;", born, ";;2;2.k\r\n");
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors, IsEmpty());
  EXPECT_EQ(report->rows_total, 3);
  EXPECT_EQ(report->created, 3);
  EXPECT_EQ(report->updated, 0);
  EXPECT_EQ(report->unchanged, 0);
  EXPECT_TRUE(report->stored);
  std::vector<Pupil> stored = StoredPupils(a_);
  EXPECT_THAT(
      FullNames(stored),
      ElementsAre("Bērziņa Līga", "Ozola Anna; Marija", "Žīgurs Jānis"));
  EXPECT_EQ(stored[0].external_id, "V-1");
  EXPECT_EQ(stored[0].birth_date, born);
  EXPECT_EQ(stored[0].grade, 6);
  EXPECT_EQ(stored[0].class_label, "6.a");
  EXPECT_EQ(stored[1].grade, 0);
  EXPECT_EQ(stored[1].vocational_course, 2);
  EXPECT_EQ(stored[2].class_label, "7.b");
  // The search columns are filled as by the API.
  PupilFilter f = InInstitution(a_);
  f.name_prefix = "zig";
  EXPECT_THAT(FullNames(ListP(Admin(), f)->items), ElementsAre("Žīgurs Jānis"));
}

TEST_F(ImportTest, CommaFileWithEnglishHeadersQuotesAndLatvianDates) {
  const std::string csv =
      "external_id,given_name,family_name,birth_date,vocational_course\n"
      "E1,\"Anna, Marija\",\"O\"\"Brien\",15.03.2008,1\n"
      "E2,  Ēriks  ,Ozols,  2.1.2009 ,3\n";
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors, IsEmpty());
  EXPECT_EQ(report->created, 2);
  std::vector<Pupil> stored = StoredPupils(a_);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].given_name, "Anna, Marija");
  EXPECT_EQ(stored[0].family_name, "O\"Brien");
  EXPECT_EQ(stored[0].birth_date, "2008-03-15");
  EXPECT_EQ(stored[1].given_name, "Ēriks");
  EXPECT_EQ(stored[1].birth_date, "2009-01-02");
  EXPECT_EQ(stored[1].vocational_course, 3);
}

TEST_F(ImportTest, EveryBadRowIsReportedAndNothingIsStored) {
  const std::string ok = BornYearsAgo(10);
  const std::string csv = absl::StrCat(
      "ID;Vārds;Uzvārds;Dzimšanas datums;Klase;Kurss\n",  // line 1
      "A1;Anna;Ozola;", ok, ";4;\n",                      // 2: fine
      "A2;;Ozols;", ok, ";4;\n",                          // 3: no given name
      "A3;Zane;Liepa;2015-02-30;4;\n",                    // 4: no such date
      "A4;Jānis;Kalns;", ok, ";x;\n",          // 5: grade not a number
      "A5;Ilze;Celma;", ok, ";4;2\n",          // 6: both set
      ";Dace;Sala;", ok, ";4;\n",              // 7: no external id
      "A1;Anna;Ozola;", ok, ";4;\n",           // 8: repeats line 2
      "A9;Rūta;Ābele;", ok, "\n",              // 9: too few fields
      "\n",                                    // 10: blank
      "A10;\"Juris\"x;Bērziņš;", ok, ";4;\n",  // 11: bad quote
      "A11;", std::string(101, 'a'), ";Vītols;", ok, ";13;\n");  // 12: two
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->stored);
  EXPECT_EQ(report->rows_total, 10);
  EXPECT_EQ(report->created, 0);
  EXPECT_THAT(
      report->errors,
      ElementsAre(
          Err(3, "Vārds", "is required"),
          Err(4, "Dzimšanas datums", "must be a real date written YYYY-MM-DD"),
          Err(5, "Klase", "must be a whole number"),
          Err(6, "Klase",
              "exactly one of grade and vocational_course must be set"),
          Err(6, "Kurss",
              "exactly one of grade and vocational_course must be set"),
          Err(7, "ID", "is required"),
          Err(8, "ID", "repeats the external_id of line 2"),
          Err(9, "", "has 4 fields; the header has 6"),
          Err(11, "", "text follows a closing quote"),
          Err(12, "Vārds", "must be at most 100 characters"),
          Err(12, "Klase", "must be 1 to 12 (or 0 in a vocational course)")));
  EXPECT_EQ(CountRows("pupils"), 0);
  // No reason echoes a value.
  for (const ImportError& e : report->errors) {
    EXPECT_EQ(e.reason.find("Ozol"), std::string::npos) << e.reason;
  }
  // The attempt is audited as failed (stored by the RPC layer), and no
  // change event exists.
  EXPECT_THAT(StoredAudit(), IsEmpty());
}

TEST_F(ImportTest, FailedImportIsAuditedAsFailed) {
  CallContext head = Head(a_);
  ASSERT_THAT(
      Import(head, ImportKind::kPupils, "external_id,given_name\nx,y\n", a_),
      IsOk());
  EXPECT_THAT(Deferred(head), ElementsAre(absl::StrCat(
                                  "import.pupils institutions/", a_.id, " 3")));
}

TEST_F(ImportTest, HeaderProblems) {
  absl::StatusOr<ImportReport> report = Import(
      Admin(), ImportKind::kPupils,
      "external_id;Vārds;vards;birthdate;amats;grade\nx;y;z;w;v;1\n", a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(
      report->errors,
      ElementsAre(Err(1, "vards", "repeats the column Vārds"),
                  Err(1, "birthdate", "is not a column of a pupils import"),
                  Err(1, "amats", "is not a column of a pupils import"),
                  Err(1, "family_name", "the column is missing"),
                  Err(1, "birth_date", "the column is missing")));
  report = Import(Admin(), ImportKind::kPupils,
                  "external_id;given_name;family_name;birth_date\n", a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(
      report->errors,
      ElementsAre(Err(1, "grade",
                      "the column is missing (grade or vocational_course is "
                      "needed)")));
  EXPECT_THAT(Import(Admin(), ImportKind::kPupils, "", a_),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(
                  Import(Admin(), ImportKind::kPupils, "\xEF\xBB\xBF\r\n\n", a_)
                      .status()),
              ElementsAre("csv_data"));
}

TEST_F(ImportTest, ReimportingTheSameFileChangesNothing) {
  const std::string csv = PupilsFile(50);
  absl::StatusOr<ImportReport> first =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->created, 50);
  const std::vector<Pupil> before = StoredPupils(a_);
  absl::StatusOr<ImportReport> again =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->errors, IsEmpty());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->updated, 0);
  EXPECT_EQ(again->unchanged, 50);
  const std::vector<Pupil> after = StoredPupils(a_);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].version, 1);
    EXPECT_EQ(Micros(after[i].update_time), Micros(before[i].update_time));
  }
}

TEST_F(ImportTest, ChangedRowsAreUpdated) {
  ASSERT_THAT(Import(Head(a_), ImportKind::kPupils, PupilsFile(5), a_), IsOk());
  std::string csv = PupilsFile(6);
  // Row P2 moves to another class; P5 is new.
  const std::string old_row = absl::StrCat("P2,Vārds2,Uzvārds2,");
  const size_t at = csv.find(old_row);
  ASSERT_NE(at, std::string::npos);
  const size_t end = csv.find('\n', at);
  csv.replace(end - 3, 3, "9.c");
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->created, 1);
  EXPECT_EQ(report->updated, 1);
  EXPECT_EQ(report->unchanged, 4);
  for (const Pupil& p : StoredPupils(a_)) {
    SCOPED_TRACE(p.external_id);
    EXPECT_EQ(p.version, p.external_id == "P2" ? 2 : 1);
    EXPECT_EQ(p.class_label, p.external_id == "P2" ? "9.c" : "5.a");
  }
}

TEST_F(ImportTest, ExternalIdOfAnotherInstitutionIsAnError) {
  ASSERT_THAT(Import(Admin(), ImportKind::kPupils, PupilsFile(2), b_), IsOk());
  absl::StatusOr<ImportReport> report =
      Import(Admin(), ImportKind::kPupils, PupilsFile(3), a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(
      report->errors,
      ElementsAre(
          Err(2, "external_id", "belongs to a person of another institution"),
          Err(3, "external_id", "belongs to a person of another institution")));
  EXPECT_EQ(CountRows("pupils"), 2);
}

TEST_F(ImportTest, ValidateOnlyStoresNothingButCounts) {
  ASSERT_THAT(Import(Head(a_), ImportKind::kPupils, PupilsFile(3), a_), IsOk());
  CallContext head = Head(a_);
  absl::StatusOr<ImportReport> report =
      Import(head, ImportKind::kPupils, PupilsFile(5, "6.b"), a_,
             /*validate_only=*/true);
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->stored);
  EXPECT_EQ(report->created, 2);
  EXPECT_EQ(report->updated, 3);
  EXPECT_EQ(CountRows("pupils"), 3);
  for (const Pupil& p : StoredPupils(a_)) EXPECT_EQ(p.class_label, "5.a");
  EXPECT_THAT(Deferred(head), ElementsAre(absl::StrCat(
                                  "import.pupils institutions/", a_.id, " 1")));
}

TEST_F(ImportTest, BlankAndDelimiterOnlyRowsAreSkipped) {
  std::string csv = PupilsFile(2);
  csv += ",,,,,\n\n  , , ,,,\n";
  absl::StatusOr<ImportReport> report =
      Import(Admin(), ImportKind::kPupils, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors, IsEmpty());
  EXPECT_EQ(report->rows_total, 2);
}

TEST_F(ImportTest, Guardians) {
  ASSERT_THAT(Import(Admin(), ImportKind::kPupils, PupilsFile(4), a_), IsOk());
  ASSERT_THAT(Import(Admin(), ImportKind::kPupils,
                     "external_id,given_name,family_name,birth_date,grade\n"
                     "C1,Zane,Liepa," +
                         BornYearsAgo(9) + ",3\n",
                     c_),
              IsOk());
  const std::string csv =
      "ID;Vārds;Uzvārds;Skolēnu ID\n"
      "G1;Inese;Ozola;P0|P1\n"
      "G2;Pēteris;Ozols; P1 | P2 |\n";
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kGuardians, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors, IsEmpty());
  EXPECT_EQ(report->created, 2);
  GuardianFilter of_a;
  of_a.institution_id = a_.id;
  absl::StatusOr<Page<Guardian>> listed = ReadAs<Page<Guardian>>(
      Admin(), [&](storage::Connection& c, const CallContext& cc) {
        return ListGuardians(c, cc, of_a, ListRequest{});
      });
  ASSERT_THAT(listed, IsOk());
  ASSERT_THAT(FullNames(listed->items),
              ElementsAre("Ozola Inese", "Ozols Pēteris"));
  EXPECT_THAT(listed->items[0].pupil_ids, SizeIs(2));
  EXPECT_THAT(listed->items[1].pupil_ids, SizeIs(2));

  // Unchanged again; then G2 drops P2 (updated).
  report = Import(Head(a_), ImportKind::kGuardians, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->unchanged, 2);
  report = Import(Head(a_), ImportKind::kGuardians,
                  "ID;Vārds;Uzvārds;Skolēnu ID\n"
                  "G1;Inese;Ozola;P0|P1\n"
                  "G2;Pēteris;Ozols;P1\n",
                  a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->unchanged, 1);
  EXPECT_EQ(report->updated, 1);
  EXPECT_EQ(CountRows("guardian_pupils"), 3);

  // Pupils must be this institution's and exist; at least one.
  report = Import(Head(a_), ImportKind::kGuardians,
                  "ID;Vārds;Uzvārds;Skolēnu ID\n"
                  "G3;Dace;Sala;P0|C1|nosuch\n"
                  "G4;Ilze;Celma;\n",
                  a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(
      report->errors,
      ElementsAre(
          Err(2, "Skolēnu ID",
              "item 2 is not the external_id of a pupil of this institution"),
          Err(2, "Skolēnu ID",
              "item 3 is not the external_id of a pupil of this institution"),
          Err(3, "Skolēnu ID", "must name at least one pupil")));
  EXPECT_EQ(CountRows("guardians"), 2);
}

TEST_F(ImportTest, GuardianOfAnotherInstitutionIsAnError) {
  ASSERT_THAT(Import(Admin(), ImportKind::kPupils, PupilsFile(1), a_), IsOk());
  ASSERT_THAT(Import(Admin(), ImportKind::kPupils,
                     "external_id,given_name,family_name,birth_date,grade\n"
                     "C1,Zane,Liepa," +
                         BornYearsAgo(9) + ",3\n",
                     c_),
              IsOk());
  ASSERT_THAT(Import(Admin(), ImportKind::kGuardians,
                     "external_id,given_name,family_name,pupil_external_ids\n"
                     "G1,Dace,Liepa,C1\n",
                     c_),
              IsOk());
  absl::StatusOr<ImportReport> report =
      Import(Admin(), ImportKind::kGuardians,
             "external_id,given_name,family_name,pupil_external_ids\n"
             "G1,Dace,Liepa,P0\n",
             a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors,
              ElementsAre(Err(2, "external_id",
                              "belongs to a person of another institution")));
}

TEST_F(ImportTest, Staff) {
  const std::string csv =
      "external_id,vārds,uzvārds,amats\n"
      "S1,Ilze,Kalniņa,psihologs\n"
      "S2,Juris,Liepa,Teacher's assistant\n"
      "S3,Anna,Sala,STAFF_POSITION_HEAD\n"
      "S4,Dace,Celma,logopēds\n"
      "S5,Rūta,Ābele,astronauts\n"
      "S6,Pēteris,Ozols,\n";
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kStaff, csv, a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors,
              ElementsAre(Err(6, "amats", "must be a known staff position"),
                          Err(7, "amats", "is required")));
  report =
      Import(Head(a_), ImportKind::kStaff, csv.substr(0, csv.find("S5")), a_);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->created, 4);
  absl::StatusOr<Page<StaffMember>> staff = ReadAs<Page<StaffMember>>(
      Admin(), [&](storage::Connection& c, const CallContext& cc) {
        StaffFilter f;
        f.institution_id = a_.id;
        return ListStaffMembers(c, cc, f, ListRequest{});
      });
  ASSERT_THAT(staff, IsOk());
  std::vector<int> positions;
  for (const StaffMember& m : staff->items) {
    positions.push_back(static_cast<int>(m.position));
  }
  // Celma (speech therapist), Kalniņa (psychologist), Liepa (assistant),
  // Sala (head).
  EXPECT_THAT(positions, ElementsAre(4, 2, 6, 7));
  EXPECT_EQ(
      Import(Head(a_), ImportKind::kStaff, csv.substr(0, csv.find("S5")), a_)
          ->unchanged,
      4);
}

TEST_F(ImportTest, RequestProblems) {
  absl::StatusOr<ImportReport> report =
      Import(Admin(), ImportKind::kUnspecified, "a\n", Institution{});
  EXPECT_THAT(ViolatedFields(report.status()),
              ElementsAre("institution", "kind"));
  std::string big(kMaxImportBytes + 1, 'x');
  EXPECT_THAT(
      ViolatedFields(Import(Admin(), ImportKind::kStaff, big, a_).status()),
      ElementsAre("csv_data"));
  std::string many = "external_id\n";
  for (int i = 0; i <= kMaxImportRows; ++i) many += "1\n";
  absl::StatusOr<ImportReport> too_many =
      Import(Admin(), ImportKind::kStaff, many, a_);
  EXPECT_THAT(too_many, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(too_many.status()), ElementsAre("csv_data"));
}

TEST_F(ImportTest, AccessAndAudit) {
  const std::string csv = PupilsFile(2);
  for (const CallContext& call :
       {Teacher(a_), Head(b_), MunicipalityCoordinator(north_)}) {
    SCOPED_TRACE(call.caller_id);
    EXPECT_THAT(Import(call, ImportKind::kPupils, csv, a_),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(
        Deferred(call),
        ElementsAre(absl::StrCat("import.pupils institutions/", a_.id, " 2")));
  }
  Institution missing;
  missing.id = "nosuch";
  EXPECT_THAT(Import(Head(a_), ImportKind::kPupils, csv, missing),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Import(Admin(), ImportKind::kPupils, csv, missing),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Import(Anonymous(), ImportKind::kPupils, csv, a_),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(CountRows("pupils"), 0);

  CallContext coordinator = Coordinator(a_);
  ASSERT_THAT(Import(coordinator, ImportKind::kPupils, csv, a_), IsOk());
  // Stored with the change; nothing deferred.
  EXPECT_THAT(Deferred(coordinator), IsEmpty());
  EXPECT_THAT(StoredAudit(), ElementsAre(absl::StrCat(
                                 "import.pupils institutions/", a_.id, " 1")));
}

TEST_F(ImportTest, ProgressReachesTheTotal) {
  std::vector<std::pair<int, int>> calls;
  ImportRequest req;
  req.institution_id = a_.id;
  req.kind = ImportKind::kPupils;
  const std::string csv = PupilsFile(1234);
  req.csv_data = csv;
  absl::StatusOr<ImportReport> report = WriteAs<ImportReport>(
      Admin(), [&](storage::Connection& c, const CallContext& cc) {
        return ImportPeople(c, cc, req, [&](int done, int total) {
          calls.emplace_back(done, total);
        });
      });
  ASSERT_THAT(report, IsOk());
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls.front(), std::make_pair(0, 1234));
  EXPECT_EQ(calls.back(), std::make_pair(1234, 1234));
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_GE(calls[i].first, calls[i - 1].first);
  }
}

TEST_F(ImportTest, ErrorsAreCappedWithANote) {
  std::string csv = "external_id,given_name,family_name,position\n";
  const int rows = kMaxReportedErrors + 5;
  for (int i = 0; i < rows; ++i) absl::StrAppend(&csv, "S", i, ",,X,head\n");
  absl::StatusOr<ImportReport> report =
      Import(Admin(), ImportKind::kStaff, csv, a_);
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->errors.size(), static_cast<size_t>(kMaxReportedErrors + 1));
  EXPECT_EQ(report->errors.front(), Err(2, "given_name", "is required"));
  EXPECT_EQ(
      report->errors.back(),
      Err(0, "", "5 more errors are not listed; fix these and import again"));
}

TEST_F(ImportTest, TenThousandPupilsImportInSeconds) {
  const std::string csv = PupilsFile(10000);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ImportReport> report =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  const double first =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->errors, IsEmpty());
  EXPECT_EQ(report->created, 10000);
  const auto again_start = std::chrono::steady_clock::now();
  absl::StatusOr<ImportReport> again =
      Import(Head(a_), ImportKind::kPupils, csv, a_);
  const double second = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - again_start)
                            .count();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->unchanged, 10000);
  std::printf(
      "[ timing   ] 10,000 pupil rows: import %.2f s, re-import (all "
      "unchanged) %.2f s\n",
      first, second);
  // A sanity bound only; the number is printed above.
  EXPECT_LT(first, 30.0);
  EXPECT_LT(second, 30.0);
  EXPECT_EQ(CountRows("pupils"), 10000);
}

}  // namespace
}  // namespace pumpurs::directory
