#include "server/knowledge/seed_loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <sodium.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "pumpurs/v1/knowledge_seed.pb.h"
#include "server/common/error.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/search_index.h"
#include "server/knowledge/seed_support.h"
#include "server/knowledge/taxonomy.h"

namespace pumpurs::knowledge {
namespace {

namespace v1 = ::pumpurs::v1;

struct Located {
  std::string where;  // "file.textproto: articles[3]"
  const google::protobuf::Message* item;
};

bool IsValidSeedKey(absl::string_view key) { return IsValidCode(key); }

// Where the stored row stands relative to the seed item.
struct Stored {
  bool exists = false;
  std::string seed_hash;
  bool edited = false;
};

absl::StatusOr<Stored> StoredTaxonomy(Connection& conn, absl::string_view table,
                                      absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat("SELECT seed_hash, edited FROM ", table,
                                " WHERE code = ?")));
  s.Bind(1, code);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  Stored st;
  if (found) {
    st.exists = true;
    st.seed_hash = s.ColumnText(0);
    st.edited = s.ColumnInt64(1) != 0;
  }
  return st;
}

enum class Outcome { kAdd, kUpdate, kUnchanged, kKeptEdited };

Outcome Decide(const Stored& st, const std::string& hash) {
  if (!st.exists) return Outcome::kAdd;
  if (st.seed_hash == hash) return Outcome::kUnchanged;
  if (st.edited) return Outcome::kKeptEdited;
  return Outcome::kUpdate;
}

void Count(SeedCounts& c, Outcome o) {
  switch (o) {
    case Outcome::kAdd:
      ++c.added;
      break;
    case Outcome::kUpdate:
      ++c.updated;
      break;
    case Outcome::kUnchanged:
      ++c.unchanged;
      break;
    case Outcome::kKeptEdited:
      ++c.kept_edited;
      break;
  }
}

}  // namespace

absl::StatusOr<SeedCounts> LoadSeed(Connection& conn,
                                    const std::vector<SeedFile>& files,
                                    absl::Time now) {
  if (sodium_init() < 0) return absl::InternalError("libsodium init failed");
  // 1. Parse every file.
  std::vector<v1::KnowledgeSeed> seeds(files.size());
  Violations parse;
  for (size_t f = 0; f < files.size(); ++f) {
    google::protobuf::TextFormat::Parser parser;
    FirstSeedError errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(files[f].text, &seeds[f])) {
      parse.Add(files[f].name,
                absl::StrCat("does not parse as pumpurs.v1.KnowledgeSeed: ",
                             errors.message()));
    }
  }
  if (!parse.empty()) return SeedError("knowledge seed", parse);

  SeedCounts counts;
  Violations v;
  // 2. Risk factors: validate all, then store (measure types refer to them).
  std::set<std::string> risk_codes;
  for (size_t f = 0; f < files.size(); ++f) {
    for (int i = 0; i < seeds[f].risk_factors_size(); ++i) {
      const v1::RiskFactor& rf = seeds[f].risk_factors(i);
      const std::string where =
          absl::StrCat(files[f].name, ": risk_factors[", i, "]");
      ValidateRiskFactor(v, where, rf);
      const std::string code = CodeOf(rf.name(), kRiskFactors);
      if (!code.empty() && !risk_codes.insert(code).second) {
        v.Add(where + ".name", "is given twice in the seed");
      }
    }
  }
  if (!v.empty()) return SeedError("knowledge seed", v);
  for (const v1::KnowledgeSeed& seed : seeds) {
    for (const v1::RiskFactor& rf : seed.risk_factors()) {
      const std::string hash = SeedHash(rf);
      const std::string code = CodeOf(rf.name(), kRiskFactors);
      PUMPURS_ASSIGN_OR_RETURN(Stored st,
                               StoredTaxonomy(conn, "kb_risk_factors", code));
      const Outcome o = Decide(st, hash);
      Count(counts, o);
      if (o == Outcome::kAdd || o == Outcome::kUpdate) {
        PUMPURS_RETURN_IF_ERROR(PutRiskFactor(conn, rf, hash, false));
      }
    }
  }
  // 3. Measure types.
  std::set<std::string> measure_codes;
  for (size_t f = 0; f < files.size(); ++f) {
    for (int i = 0; i < seeds[f].measure_types_size(); ++i) {
      const v1::MeasureType& mt = seeds[f].measure_types(i);
      const std::string where =
          absl::StrCat(files[f].name, ": measure_types[", i, "]");
      PUMPURS_RETURN_IF_ERROR(ValidateMeasureType(conn, v, where, mt));
      const std::string code = CodeOf(mt.name(), kMeasureTypes);
      if (!code.empty() && !measure_codes.insert(code).second) {
        v.Add(where + ".name", "is given twice in the seed");
      }
    }
  }
  if (!v.empty()) return SeedError("knowledge seed", v);
  for (const v1::KnowledgeSeed& seed : seeds) {
    for (const v1::MeasureType& mt : seed.measure_types()) {
      const std::string hash = SeedHash(mt);
      const std::string code = CodeOf(mt.name(), kMeasureTypes);
      PUMPURS_ASSIGN_OR_RETURN(Stored st,
                               StoredTaxonomy(conn, "kb_measure_types", code));
      const Outcome o = Decide(st, hash);
      Count(counts, o);
      if (o == Outcome::kAdd || o == Outcome::kUpdate) {
        PUMPURS_RETURN_IF_ERROR(PutMeasureType(conn, mt, hash, false));
      }
    }
  }
  // 4. Articles, validated as the API validates them.
  std::set<std::string> keys;
  for (size_t f = 0; f < files.size(); ++f) {
    for (int i = 0; i < seeds[f].articles_size(); ++i) {
      const v1::Article& a = seeds[f].articles(i);
      const std::string where =
          absl::StrCat(files[f].name, ": articles[", i, "]");
      if (!IsValidSeedKey(a.seed_key())) {
        v.Add(where + ".seed_key", "is required: 1 to 64 of a-z, 0-9 and -");
      } else if (!keys.insert(a.seed_key()).second) {
        v.Add(where + ".seed_key", "is given twice in the seed");
      }
      PUMPURS_RETURN_IF_ERROR(
          ValidateArticle(conn, v, where, ArticleContent(a)));
      bool latvian = false;
      for (const v1::ArticleText& t : a.texts()) latvian |= t.locale() == "lv";
      if (!latvian) v.Add(where + ".texts", "needs a Latvian text (lv)");
    }
  }
  if (!v.empty()) return SeedError("knowledge seed", v);
  for (const v1::KnowledgeSeed& seed : seeds) {
    for (const v1::Article& a : seed.articles()) {
      v1::Article item = ArticleContent(a);
      item.set_seed_key(a.seed_key());
      const std::string hash = SeedHash(item);
      PUMPURS_ASSIGN_OR_RETURN(std::optional<SeedArticleState> found,
                               FindSeedArticle(conn, a.seed_key()));
      Stored st;
      if (found) {
        st.exists = true;
        st.seed_hash = found->seed_hash;
        st.edited = found->edited;
      }
      const Outcome o = Decide(st, hash);
      Count(counts, o);
      std::string id;
      if (o == Outcome::kAdd) {
        PUMPURS_ASSIGN_OR_RETURN(
            id, InsertSeedArticle(conn, a, a.seed_key(), hash, now));
      } else if (o == Outcome::kUpdate) {
        id = found->id;
        PUMPURS_RETURN_IF_ERROR(ReplaceSeedArticle(conn, id, a, hash, now));
      } else {
        continue;
      }
      PUMPURS_RETURN_IF_ERROR(
          PublishWorkingCopy(conn, id, kSeedPublisher, now, false));
    }
  }
  return counts;
}

absl::StatusOr<SeedCounts> LoadEmbeddedSeed(storage::Database& db) {
  CallContext call;
  call.caller_id = std::string(kSeedPublisher);
  SeedCounts counts;
  PUMPURS_RETURN_IF_ERROR(
      db.WriteSync(call, [&](storage::Connection& c) -> absl::Status {
        PUMPURS_ASSIGN_OR_RETURN(counts,
                                 LoadSeed(c, EmbeddedSeedFiles(), absl::Now()));
        return absl::OkStatus();
      }));
  LogLine("knowledge_seed_loaded")
      .Int("files", static_cast<int64_t>(EmbeddedSeedFiles().size()))
      .Int("added", counts.added)
      .Int("updated", counts.updated)
      .Int("unchanged", counts.unchanged)
      .Int("kept_edited", counts.kept_edited);
  return counts;
}

}  // namespace pumpurs::knowledge
