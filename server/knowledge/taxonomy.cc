#include "server/knowledge/taxonomy.h"

#include <cstdint>
#include <limits>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"

namespace pumpurs::knowledge {
namespace {

namespace v1 = ::pumpurs::v1;

absl::Status CorruptRow(absl::string_view table) {
  return absl::DataLossError(
      absl::StrCat("a row of ", table, " does not parse"));
}

template <typename M>
absl::StatusOr<M> ParseBlob(const std::string& bytes, absl::string_view table) {
  M m;
  if (!m.ParseFromString(bytes)) return CorruptRow(table);
  return m;
}

absl::StatusOr<int64_t> ToInt(const std::string& s) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(s, &n)) {
    return InvalidFieldError("page_token", "is not a valid page token");
  }
  return n;
}

void CheckLocalized(Violations& v, const std::string& field,
                    const v1::LocalizedText& t, size_t max_chars,
                    bool lv_required) {
  if (lv_required) {
    CheckRequiredText(v, field + ".lv", t.lv(), max_chars);
  } else {
    CheckOptionalText(v, field + ".lv", t.lv(), max_chars);
  }
  CheckOptionalText(v, field + ".en", t.en(), max_chars);
}

// Long texts may hold line breaks.
void CheckLongLocalized(Violations& v, const std::string& field,
                        const v1::LocalizedText& t, size_t max_chars) {
  for (const auto& [suffix, text] :
       {std::pair<const char*, const std::string*>{".lv", &t.lv()},
        {".en", &t.en()}}) {
    int64_t n = Utf8Length(*text);
    if (n < 0) {
      v.Add(field + suffix, "must be valid UTF-8");
    } else if (static_cast<size_t>(n) > max_chars) {
      v.Add(field + suffix,
            absl::StrCat("must be at most ", max_chars, " characters"));
    }
  }
}

}  // namespace

bool IsValidCode(absl::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string CodeOf(absl::string_view name, absl::string_view collection) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, collection) ||
      !absl::ConsumePrefix(&rest, "/") || !IsValidCode(rest)) {
    return "";
  }
  return std::string(rest);
}

absl::StatusOr<std::string> ParseCodeName(absl::string_view name,
                                          absl::string_view collection,
                                          absl::string_view field) {
  std::string code = CodeOf(name, collection);
  if (code.empty()) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("must have the form ", collection,
                     "/{code}, code of 1 to 64 of a-z, 0-9 and -"));
  }
  return code;
}

absl::StatusOr<v1::RiskFactor> GetRiskFactor(Connection& conn,
                                             absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT data FROM kb_risk_factors WHERE code = ?"));
  s.Bind(1, code);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return NotFoundError(absl::StrCat(kRiskFactors, "/", code));
  return ParseBlob<v1::RiskFactor>(s.ColumnText(0), "kb_risk_factors");
}

absl::StatusOr<v1::MeasureType> GetMeasureType(Connection& conn,
                                               absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT data FROM kb_measure_types WHERE code = ?"));
  s.Bind(1, code);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return NotFoundError(absl::StrCat(kMeasureTypes, "/", code));
  return ParseBlob<v1::MeasureType>(s.ColumnText(0), "kb_measure_types");
}

absl::StatusOr<bool> RiskFactorExists(Connection& conn,
                                      absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM kb_risk_factors WHERE code = ?"));
  s.Bind(1, code);
  return s.Step();
}

absl::StatusOr<bool> MeasureTypeExists(Connection& conn,
                                       absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM kb_measure_types WHERE code = ?"));
  s.Bind(1, code);
  return s.Step();
}

absl::StatusOr<Page<v1::RiskFactor>> ListRiskFactors(Connection& conn,
                                                     const RiskFactorQuery& q) {
  if (q.group < 0 || q.group > v1::RiskGroup_MAX) {
    return InvalidFieldError("group", "is not a known risk group");
  }
  const std::string query = absl::StrCat("ListRiskFactors/", q.group);
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(q.page_size));
  int64_t after_group = -1;
  int64_t after_ord = std::numeric_limits<int64_t>::min();
  std::string after_code;
  if (!q.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(q.page_token, query, 3));
    PUMPURS_ASSIGN_OR_RETURN(after_group, ToInt(key[0]));
    PUMPURS_ASSIGN_OR_RETURN(after_ord, ToInt(key[1]));
    after_code = key[2];
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT data, risk_group, ord, code FROM kb_risk_factors "
                   "WHERE (? = 0 OR risk_group = ?) "
                   "AND (risk_group, ord, code) > (?, ?, ?) "
                   "ORDER BY risk_group, ord, code LIMIT ?"));
  s.Bind(1, int64_t{q.group})
      .Bind(2, int64_t{q.group})
      .Bind(3, after_group)
      .Bind(4, after_ord)
      .Bind(5, after_code)
      .Bind(6, int64_t{size} + 1);
  Page<v1::RiskFactor> page;
  std::vector<std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(query, last);
      break;
    }
    PUMPURS_ASSIGN_OR_RETURN(
        v1::RiskFactor rf,
        ParseBlob<v1::RiskFactor>(s.ColumnText(0), "kb_risk_factors"));
    page.items.push_back(std::move(rf));
    last = {absl::StrCat(s.ColumnInt64(1)), absl::StrCat(s.ColumnInt64(2)),
            s.ColumnText(3)};
  }
  return page;
}

absl::StatusOr<Page<v1::MeasureType>> ListMeasureTypes(
    Connection& conn, const MeasureTypeQuery& q) {
  if (q.category < 0 || q.category > v1::MeasureCategory_MAX) {
    return InvalidFieldError("category", "is not a known measure category");
  }
  const std::string query =
      absl::StrCat("ListMeasureTypes/", q.category, "/", q.risk_code);
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(q.page_size));
  std::string after;
  if (!q.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(q.page_token, query, 1));
    after = key[0];
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT m.data, m.code FROM kb_measure_types m "
                   "WHERE (? = 0 OR m.category = ?) AND m.code > ? "
                   "AND (? = '' OR EXISTS (SELECT 1 FROM kb_measure_risks r "
                   "WHERE r.measure_code = m.code AND r.risk_code = ?)) "
                   "ORDER BY m.code LIMIT ?"));
  s.Bind(1, int64_t{q.category})
      .Bind(2, int64_t{q.category})
      .Bind(3, after)
      .Bind(4, q.risk_code)
      .Bind(5, q.risk_code)
      .Bind(6, int64_t{size} + 1);
  Page<v1::MeasureType> page;
  std::string last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(query, {last});
      break;
    }
    PUMPURS_ASSIGN_OR_RETURN(
        v1::MeasureType mt,
        ParseBlob<v1::MeasureType>(s.ColumnText(0), "kb_measure_types"));
    page.items.push_back(std::move(mt));
    last = s.ColumnText(1);
  }
  return page;
}

void ValidateRiskFactor(Violations& v, const std::string& field,
                        const v1::RiskFactor& rf) {
  if (CodeOf(rf.name(), kRiskFactors).empty()) {
    v.Add(field + ".name", "must have the form riskFactors/{code}");
  }
  if (rf.group() == v1::RISK_GROUP_UNSPECIFIED ||
      !v1::RiskGroup_IsValid(rf.group())) {
    v.Add(field + ".group", "is required");
  }
  CheckLocalized(v, field + ".title", rf.title(), 200, true);
  CheckLongLocalized(v, field + ".description", rf.description(), 5000);
  for (int i = 0; i < rf.warning_signs_size(); ++i) {
    CheckLocalized(v, absl::StrCat(field, ".warning_signs[", i, "]"),
                   rf.warning_signs(i), 500, true);
  }
  if (rf.order() < 0) v.Add(field + ".order", "must not be negative");
}

absl::Status ValidateMeasureType(Connection& conn, Violations& v,
                                 const std::string& field,
                                 const v1::MeasureType& mt) {
  if (CodeOf(mt.name(), kMeasureTypes).empty()) {
    v.Add(field + ".name", "must have the form measureTypes/{code}");
  }
  if (mt.category() == v1::MEASURE_CATEGORY_UNSPECIFIED ||
      !v1::MeasureCategory_IsValid(mt.category())) {
    v.Add(field + ".category", "is required");
  }
  if (mt.unit() == v1::MEASURE_UNIT_UNSPECIFIED ||
      !v1::MeasureUnit_IsValid(mt.unit())) {
    v.Add(field + ".unit", "is required");
  }
  CheckLocalized(v, field + ".title", mt.title(), 200, true);
  CheckLongLocalized(v, field + ".description", mt.description(), 5000);
  for (int i = 0; i < mt.providers_size(); ++i) {
    if (mt.providers(i) == 0 || !v1::StaffPosition_IsValid(mt.providers(i))) {
      v.Add(absl::StrCat(field, ".providers[", i, "]"),
            "is not a known staff position");
    }
  }
  std::set<std::string> seen;
  for (int i = 0; i < mt.addresses_size(); ++i) {
    const v1::AddressedRisk& a = mt.addresses(i);
    const std::string f = absl::StrCat(field, ".addresses[", i, "]");
    const std::string code = CodeOf(a.risk_factor(), kRiskFactors);
    if (code.empty()) {
      v.Add(f + ".risk_factor", "must have the form riskFactors/{code}");
    } else if (!seen.insert(code).second) {
      v.Add(f + ".risk_factor", "is listed twice");
    } else {
      PUMPURS_ASSIGN_OR_RETURN(bool exists, RiskFactorExists(conn, code));
      if (!exists) v.Add(f + ".risk_factor", "is not a known risk factor");
    }
    if (a.strength() == v1::STRENGTH_UNSPECIFIED ||
        !v1::Strength_IsValid(a.strength())) {
      v.Add(f + ".strength", "is required");
    }
    CheckLongLocalized(v, f + ".evidence", a.evidence(), 2000);
  }
  if (mt.min_grade() < 0 || mt.min_grade() > 12) {
    v.Add(field + ".min_grade", "must be 0 to 12");
  }
  return absl::OkStatus();
}

absl::Status PutRiskFactor(Connection& conn, const v1::RiskFactor& rf,
                           absl::string_view seed_hash, bool edited) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO kb_risk_factors (code, risk_group, ord, data, "
                   "seed_hash, edited) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (code) DO UPDATE SET risk_group = "
                   "excluded.risk_group, ord = excluded.ord, data = "
                   "excluded.data, seed_hash = excluded.seed_hash, edited = "
                   "excluded.edited"));
  s.Bind(1, CodeOf(rf.name(), kRiskFactors))
      .Bind(2, int64_t{rf.group()})
      .Bind(3, int64_t{rf.order()})
      .BindBlob(4, rf.SerializeAsString())
      .Bind(5, seed_hash)
      .Bind(6, int64_t{edited ? 1 : 0});
  return s.Run();
}

absl::Status PutMeasureType(Connection& conn, const v1::MeasureType& mt,
                            absl::string_view seed_hash, bool edited) {
  const std::string code = CodeOf(mt.name(), kMeasureTypes);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO kb_measure_types (code, category, data, "
                   "seed_hash, edited) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (code) DO UPDATE SET category = "
                   "excluded.category, data = excluded.data, seed_hash = "
                   "excluded.seed_hash, edited = excluded.edited"));
  s.Bind(1, code)
      .Bind(2, int64_t{mt.category()})
      .BindBlob(3, mt.SerializeAsString())
      .Bind(4, seed_hash)
      .Bind(5, int64_t{edited ? 1 : 0});
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement del,
      conn.Prepare("DELETE FROM kb_measure_risks WHERE measure_code = ?"));
  del.Bind(1, code);
  PUMPURS_RETURN_IF_ERROR(del.Run());
  for (const v1::AddressedRisk& a : mt.addresses()) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement ins,
        conn.Prepare("INSERT INTO kb_measure_risks (measure_code, risk_code, "
                     "strength) VALUES (?, ?, ?)"));
    ins.Bind(1, code)
        .Bind(2, CodeOf(a.risk_factor(), kRiskFactors))
        .Bind(3, int64_t{a.strength()});
    PUMPURS_RETURN_IF_ERROR(ins.Run());
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::knowledge
