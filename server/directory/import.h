#ifndef PUMPURS_SERVER_DIRECTORY_IMPORT_H_
#define PUMPURS_SERVER_DIRECTORY_IMPORT_H_

// Importing the pupils, guardians or staff of one institution from a CSV
// file as school systems export it (csv.h).
//
// Columns are found by their header, in English or Latvian, ignoring case,
// diacritics, and spaces or hyphens for underscores ("Dzimšanas datums" is
// birth_date):
//   external_id         id, ārējais_id, viis_id               (required)
//   given_name          vārds, first_name                     (required)
//   family_name         uzvārds, last_name, surname           (required)
//   pupils:    birth_date (dzimšanas_datums; YYYY-MM-DD or DD.MM.YYYY),
//              grade (klase), vocational_course (kurss) — at least one of
//              the two columns —, class_label (klases_nosaukums, optional)
//   guardians: pupil_external_ids (skolēnu_id, izglītojamo_id): the
//              external ids of the guardian's pupils, separated by "|"; each
//              must already be a pupil of the institution
//   staff:     position (amats): teacher/pedagogs, psychologist/psihologs,
//              social_pedagogue/sociālais_pedagogs, speech_therapist/
//              logopēds, special_education_teacher/speciālais_pedagogs,
//              teachers_assistant/skolotāja_palīgs, head/direktors,
//              other/cits
// A column the import does not know is an error (a misspelt optional
// column would otherwise be dropped silently).
//
// Every row is checked with the same rules as the API's creates
// (people.h), and every problem of every row is reported as (line, column,
// reason); the reasons never echo values. A file with any bad row stores
// nothing. Otherwise, in one transaction, a row whose external_id matches a
// person of the institution updates them if anything differs (updated) or
// leaves them untouched (unchanged, version kept), and the other rows
// create people (created): importing the same file twice changes nothing.
// An external_id of a person of another institution is an error. A
// guardian's links to this institution's pupils become those the row
// lists; links to other institutions' pupils are kept.
//
// Access: kPeopleImport on the institution. Audit: one event per import
// ("import.pupils", ... on the institution): recorded with the change when
// stored, deferred otherwise (allowed for validate_only, failed for bad
// rows, denied for a refusal). Events hold no contents.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::directory {

// Matches pumpurs.v1.ImportKind numbering.
enum class ImportKind {
  kUnspecified = 0,
  kPupils = 1,
  kGuardians = 2,
  kStaff = 3
};

inline constexpr size_t kMaxImportBytes = size_t{16} * 1024 * 1024;
inline constexpr int kMaxImportRows = 100000;
// A report lists at most this many errors, then one more (line 0) that
// says how many were left out, so that the final message stays well within
// gRPC's message limits.
inline constexpr int kMaxReportedErrors = 10000;

struct ImportRequest {
  std::string institution_id;
  ImportKind kind = ImportKind::kUnspecified;
  // Borrowed: must outlive the plan's preparation.
  absl::string_view csv_data;
  bool validate_only = false;
};

struct ImportError {
  int line = 0;        // 1-based line in the file; the header is line 1
  std::string column;  // the column's header as written, or "" (whole row)
  std::string reason;  // English; never echoes the value
  bool operator==(const ImportError& o) const {
    return line == o.line && column == o.column && reason == o.reason;
  }
};

struct ImportReport {
  int rows_total = 0;  // data rows (not blank lines, not the header)
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<ImportError> errors;  // non-empty: nothing was stored
  bool stored = false;              // the rows were written
};

// Called now and then while rows are checked (on the executor thread).
using ImportProgress = std::function<void(int rows_done, int rows_total)>;

// The parsed and checked rows, between the two phases.
struct ImportPlan;

// Phase 1, stores nothing (a read transaction will do): authorizes, parses
// the file, checks every row and matches the rows against stored people.
// Problems of the request (institution, kind, a file over 16 MiB or 100,000
// rows, no header row) are INVALID_ARGUMENT naming "institution", "kind" or
// "csv_data"; refusals as the policy says; CANCELLED / DEADLINE_EXCEEDED if
// the call ends meanwhile. Bad rows are no error status: see PlanReport.
absl::StatusOr<std::shared_ptr<ImportPlan>> PrepareImport(
    storage::Connection& conn, const CallContext& call,
    const ImportRequest& request, const ImportProgress& progress = nullptr);

// What phase 1 found: every error, or the counts applying would give.
const ImportReport& PlanReport(const ImportPlan& plan);

// Phase 2, in a write transaction: matches the rows again against the
// database as it is now (it may have changed since phase 1) and, if every
// row is still fine and the request is not validate_only, stores them and
// records the audit event. Stores nothing if the report has errors.
absl::StatusOr<ImportReport> ApplyImport(storage::Connection& conn,
                                         const CallContext& call,
                                         ImportPlan& plan);

// Both phases in one (write) transaction.
absl::StatusOr<ImportReport> ImportPeople(
    storage::Connection& conn, const CallContext& call,
    const ImportRequest& request, const ImportProgress& progress = nullptr);

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_IMPORT_H_
