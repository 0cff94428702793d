#ifndef PUMPURS_SERVER_DIRECTORY_MODEL_H_
#define PUMPURS_SERVER_DIRECTORY_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace pumpurs::directory {

struct Municipality {
  std::string id;
  std::string display_name;
  std::string code;  // ATVK, 7 digits
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
};

// Matches pumpurs.v1.InstitutionKind numbering.
enum class InstitutionKind {
  kUnspecified = 0,
  kMunicipalGeneralSchool = 1,
  kStateVocationalSchool = 2,
  kCollege = 3,
};

struct Institution {
  std::string id;
  std::string display_name;
  InstitutionKind kind = InstitutionKind::kUnspecified;
  std::string municipality_id;
  std::string registration_number;  // 10 digits
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
};

// Changes to apply; unset fields stay as they are.
struct MunicipalityChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> code;
};

struct InstitutionChanges {
  std::optional<std::string> display_name;
  std::optional<InstitutionKind> kind;
  std::optional<std::string> municipality_id;
  std::optional<std::string> registration_number;
};

struct ListRequest {
  int page_size = 0;
  std::string page_token;
};

struct InstitutionFilter {
  std::optional<std::string> municipality_id;
  std::optional<InstitutionKind> kind;
};

// ---- People: pupils, guardians, staff ----

// A pupil (izglītojamais). Personal data: every access is authorized and
// audited (people.h).
struct Pupil {
  std::string id;
  std::string given_name;
  std::string family_name;
  std::string birth_date;     // "YYYY-MM-DD"
  int grade = 0;              // 1..12, or 0 in a vocational course
  int vocational_course = 0;  // 1..4, or 0 in general education
  std::string class_label;    // up to 20 characters, may be empty
  std::string institution_id;
  std::string external_id;  // empty: none (NULL in the table)
  // Output only: the pupil's guardians' ids, sorted.
  std::vector<std::string> guardian_ids;
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
};

struct PupilChanges {
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
  std::optional<std::string> birth_date;
  std::optional<int> grade;
  std::optional<int> vocational_course;
  std::optional<std::string> class_label;
  std::optional<std::string> institution_id;
  std::optional<std::string> external_id;
};

struct PupilFilter {
  std::string institution_id;  // required
  std::optional<int> grade;    // 1..12
  std::string name_prefix;     // case and diacritics ignored
};

// A parent or legal representative.
struct Guardian {
  std::string id;
  std::string given_name;
  std::string family_name;
  std::string external_id;  // empty: none
  // The guardian's children, sorted. On output only those the caller may
  // read.
  std::vector<std::string> pupil_ids;
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
};

struct GuardianChanges {
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
  std::optional<std::string> external_id;
  std::optional<std::vector<std::string>> pupil_ids;  // replaces the links
};

// Exactly one of institution_id and pupil_id.
struct GuardianFilter {
  std::string institution_id;
  std::string pupil_id;
  std::string name_prefix;
};

// Matches pumpurs.v1.StaffPosition numbering.
enum class StaffPosition {
  kUnspecified = 0,
  kTeacher = 1,
  kPsychologist = 2,
  kSocialPedagogue = 3,
  kSpeechTherapist = 4,
  kSpecialEducationTeacher = 5,
  kTeachersAssistant = 6,
  kHead = 7,
  kOther = 8,
};

struct StaffMember {
  std::string id;
  std::string given_name;
  std::string family_name;
  StaffPosition position = StaffPosition::kUnspecified;
  std::string institution_id;
  std::string external_id;  // empty: none
  std::string account_id;   // the account the person signs in with; "": none
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
};

struct StaffChanges {
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
  std::optional<StaffPosition> position;
  std::optional<std::string> institution_id;
  std::optional<std::string> external_id;
  std::optional<std::string> account_id;
};

struct StaffFilter {
  std::string institution_id;  // required
  std::optional<StaffPosition> position;
  std::string name_prefix;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_MODEL_H_
