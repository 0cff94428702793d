// pumpurs-kb-generate: fills a database file with a large knowledge base for
// the search benchmark. Loads the release's seed (taxonomy and articles),
// then writes --articles generated, published articles through the
// knowledge domain (CreateArticle + PublishWorkingCopy, so they are
// validated, linked and indexed exactly as API-written ones). The text is
// Latvian (and, for a third of the articles, English) drawn with a skewed
// word distribution from the seed's own texts, so word frequencies and
// inflections look like the real content. Deterministic for a given --seed.
//
//   build/bin/pumpurs-kb-generate --db=/tmp/kb.db --articles=10000
//   build/bin/pumpurs-server --db=/tmp/kb.db --demo ...

#include <google/protobuf/text_format.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pumpurs/v1/knowledge_seed.pb.h"
#include "server/common/call_context.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/latvian_stemmer.h"
#include "server/knowledge/seed_files.h"
#include "server/knowledge/seed_loader.h"
#include "server/storage/database.h"

ABSL_FLAG(std::string, db, "", "the database file (created if missing)");
ABSL_FLAG(int, articles, 10000, "how many articles to add");
ABSL_FLAG(int, batch, 500, "articles per write transaction");
ABSL_FLAG(uint32_t, seed, 1, "random seed");

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;

struct Vocabulary {
  std::vector<std::string> lv, en;
  std::vector<std::string> risks, measures;
};

void AddWords(const std::string& text, std::vector<std::string>& out,
              absl::flat_hash_set<std::string>& seen) {
  for (const knowledge::WordSpan& w : knowledge::SplitWords(text)) {
    std::string word = text.substr(w.begin, w.end - w.begin);
    if (word.size() < 2) continue;
    if (seen.insert(word).second) out.push_back(std::move(word));
  }
}

absl::StatusOr<Vocabulary> LoadVocabulary() {
  Vocabulary v;
  absl::flat_hash_set<std::string> seen_lv, seen_en;
  for (const knowledge::SeedFile& file : knowledge::EmbeddedSeedFiles()) {
    v1::KnowledgeSeed seed;
    if (!google::protobuf::TextFormat::ParseFromString(file.text, &seed)) {
      return absl::InvalidArgumentError("seed file does not parse");
    }
    auto add = [&](const v1::LocalizedText& t) {
      AddWords(t.lv(), v.lv, seen_lv);
      AddWords(t.en(), v.en, seen_en);
    };
    for (const v1::RiskFactor& rf : seed.risk_factors()) {
      v.risks.push_back(rf.name());
      add(rf.title());
      add(rf.description());
      for (const auto& s : rf.warning_signs()) add(s);
    }
    for (const v1::MeasureType& mt : seed.measure_types()) {
      v.measures.push_back(mt.name());
      add(mt.title());
      add(mt.description());
      for (const auto& a : mt.addresses()) add(a.evidence());
    }
    for (const v1::Article& a : seed.articles()) {
      for (const v1::ArticleText& t : a.texts()) {
        const std::string text = t.title() + " " + t.summary() + " " + t.body();
        if (t.locale() == "lv") AddWords(text, v.lv, seen_lv);
        if (t.locale() == "en") AddWords(text, v.en, seen_en);
      }
    }
  }
  if (v.lv.empty() || v.en.empty() || v.risks.empty()) {
    return absl::FailedPreconditionError("the seed has no texts");
  }
  return v;
}

class Writer {
 public:
  Writer(const Vocabulary& v, uint32_t seed) : v_(v), rng_(seed) {}

  // A word with a skewed (roughly Zipf-like) distribution: early words of
  // the vocabulary are much more frequent.
  const std::string& Word(const std::vector<std::string>& words) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    return words[static_cast<size_t>(words.size() * u * u * u)];
  }
  std::string Sentence(const std::vector<std::string>& words, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      std::string w = Word(words);
      if (i == 0 && !w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] -= 32;
      absl::StrAppend(&s, i ? " " : "", w);
    }
    return s + ".";
  }
  std::string Text(const std::vector<std::string>& words, int sentences) {
    std::string t;
    for (int i = 0; i < sentences; ++i) {
      if (i > 0) t += (i % 5 == 0) ? "\n\n" : " ";
      t += Sentence(words, Uniform(6, 14));
    }
    return t;
  }
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  v1::Article Article(int n) {
    v1::Article a;
    a.set_kind(static_cast<v1::ArticleKind>(Uniform(1, 5)));
    const int audiences = Uniform(1, 7);  // bits: staff, parents, pupils
    if (audiences & 1) a.add_audiences(v1::AUDIENCE_STAFF);
    if (audiences & 2) a.add_audiences(v1::AUDIENCE_PARENTS);
    if (audiences & 4) a.add_audiences(v1::AUDIENCE_PUPILS);
    const size_t r1 = Uniform(0, static_cast<int>(v_.risks.size()) - 1);
    a.add_risk_factors(v_.risks[r1]);
    if (Uniform(0, 1)) {
      const size_t r2 = Uniform(0, static_cast<int>(v_.risks.size()) - 1);
      if (r2 != r1) a.add_risk_factors(v_.risks[r2]);
    }
    if (Uniform(0, 2) == 0) {
      a.add_measure_types(
          v_.measures[Uniform(0, static_cast<int>(v_.measures.size()) - 1)]);
    }
    v1::ArticleText* lv = a.add_texts();
    lv->set_locale("lv");
    lv->set_title(absl::StrCat(Sentence(v_.lv, Uniform(3, 6)), " (", n, ")"));
    lv->set_summary(Text(v_.lv, 2));
    lv->set_body(Text(v_.lv, Uniform(15, 40)));
    if (Uniform(0, 2) == 0) {
      v1::ArticleText* en = a.add_texts();
      en->set_locale("en");
      en->set_title(Sentence(v_.en, Uniform(3, 6)));
      en->set_summary(Text(v_.en, 2));
      en->set_body(Text(v_.en, Uniform(15, 40)));
    }
    return a;
  }

 private:
  const Vocabulary& v_;
  std::mt19937 rng_;
};

int Main() {
  const std::string path = absl::GetFlag(FLAGS_db);
  if (path.empty()) {
    std::fprintf(stderr, "pumpurs-kb-generate: --db is required\n");
    return 2;
  }
  SetLoggingEnabled(false);
  storage::DatabaseOptions options;
  options.path = path;
  options.readers = 1;
  auto db = storage::Database::Open(options);
  if (!db.ok()) {
    std::fprintf(stderr, "pumpurs-kb-generate: %s\n",
                 db.status().ToString().c_str());
    return 1;
  }
  if (auto loaded = knowledge::LoadEmbeddedSeed(**db); !loaded.ok()) {
    std::fprintf(stderr, "pumpurs-kb-generate: seed: %s\n",
                 loaded.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<Vocabulary> vocabulary = LoadVocabulary();
  if (!vocabulary.ok()) {
    std::fprintf(stderr, "pumpurs-kb-generate: %s\n",
                 vocabulary.status().ToString().c_str());
    return 1;
  }
  Writer writer(*vocabulary, absl::GetFlag(FLAGS_seed));
  CallContext call;
  call.caller_id = "system:kb-generate";
  const int total = absl::GetFlag(FLAGS_articles);
  const int batch = std::max(1, absl::GetFlag(FLAGS_batch));
  const absl::Time start = absl::Now();
  for (int done = 0; done < total;) {
    const int n = std::min(batch, total - done);
    std::vector<v1::Article> articles;
    for (int i = 0; i < n; ++i) articles.push_back(writer.Article(done + i));
    absl::Status s = (*db)->WriteSync(call, [&](storage::Connection& c) {
      const absl::Time now = absl::Now();
      for (const v1::Article& a : articles) {
        PUMPURS_ASSIGN_OR_RETURN(v1::Article created,
                                 knowledge::CreateArticle(c, call, a, ""));
        const std::string id =
            created.name().substr(created.name().find('/') + 1);
        PUMPURS_RETURN_IF_ERROR(knowledge::PublishWorkingCopy(
            c, id, "system:kb-generate", now, /*mark_edited=*/false));
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "pumpurs-kb-generate: %s\n", s.ToString().c_str());
      return 1;
    }
    done += n;
  }
  std::printf("pumpurs-kb-generate: %d articles added to %s in %.1f s\n", total,
              path.c_str(), absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

}  // namespace
}  // namespace pumpurs

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Adds generated published articles to a Pumpurs database (benchmarks).");
  absl::ParseCommandLine(argc, argv);
  return pumpurs::Main();
}
