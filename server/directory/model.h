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

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_MODEL_H_
