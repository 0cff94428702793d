#ifndef PUMPURS_SERVER_KNOWLEDGE_TAXONOMY_H_
#define PUMPURS_SERVER_KNOWLEDGE_TAXONOMY_H_

// The taxonomy: risk factors and measure types. Stored as pumpurs.v1
// messages; written only by the seed loader (seed_loader.h), read by anyone
// (no personal data).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/error.h"
#include "server/storage/connection.h"

namespace pumpurs::knowledge {

using storage::Connection;

inline constexpr absl::string_view kRiskFactors = "riskFactors";
inline constexpr absl::string_view kMeasureTypes = "measureTypes";
inline constexpr absl::string_view kArticles = "articles";

// One page of a list.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

// A taxonomy code: 1 to 64 of [a-z0-9-].
bool IsValidCode(absl::string_view code);

// The code of "{collection}/{code}"; INVALID_ARGUMENT naming `field`
// otherwise.
absl::StatusOr<std::string> ParseCodeName(absl::string_view name,
                                          absl::string_view collection,
                                          absl::string_view field);
// The code of "{collection}/{code}", or "" if malformed.
std::string CodeOf(absl::string_view name, absl::string_view collection);

absl::StatusOr<pumpurs::v1::RiskFactor> GetRiskFactor(Connection& conn,
                                                      absl::string_view code);
absl::StatusOr<pumpurs::v1::MeasureType> GetMeasureType(Connection& conn,
                                                        absl::string_view code);

absl::StatusOr<bool> RiskFactorExists(Connection& conn, absl::string_view code);
absl::StatusOr<bool> MeasureTypeExists(Connection& conn,
                                       absl::string_view code);

struct RiskFactorQuery {
  int group = 0;  // RiskGroup; 0: all
  int page_size = 0;
  std::string page_token;
};
// By (group, order, code).
absl::StatusOr<Page<pumpurs::v1::RiskFactor>> ListRiskFactors(
    Connection& conn, const RiskFactorQuery& q);

struct MeasureTypeQuery {
  int category = 0;       // MeasureCategory; 0: all
  std::string risk_code;  // only measures addressing it; "": all
  int page_size = 0;
  std::string page_token;
};
// By code.
absl::StatusOr<Page<pumpurs::v1::MeasureType>> ListMeasureTypes(
    Connection& conn, const MeasureTypeQuery& q);

// Adds a violation under `field` (e.g. "risk_factors[3]") for every problem
// of the item.
void ValidateRiskFactor(Violations& v, const std::string& field,
                        const pumpurs::v1::RiskFactor& rf);
// Referenced risk factors must exist in the database.
absl::Status ValidateMeasureType(Connection& conn, Violations& v,
                                 const std::string& field,
                                 const pumpurs::v1::MeasureType& mt);

// Insert or replace, keeping `edited` as given.
absl::Status PutRiskFactor(Connection& conn, const pumpurs::v1::RiskFactor& rf,
                           absl::string_view seed_hash, bool edited);
// Also replaces its kb_measure_risks rows.
absl::Status PutMeasureType(Connection& conn,
                            const pumpurs::v1::MeasureType& mt,
                            absl::string_view seed_hash, bool edited);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_TAXONOMY_H_
