#ifndef PUMPURS_TESTS_KNOWLEDGE_SEARCH_FIXTURE_H_
#define PUMPURS_TESTS_KNOWLEDGE_SEARCH_FIXTURE_H_

// A product-schema database on a temporary file with a small knowledge base
// loaded through the seed loader (so articles are published, linked and
// indexed exactly as in production), for the search and recommendation
// tests.

#include <google/protobuf/text_format.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/knowledge_seed.pb.h"
#include "server/common/log.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/seed_loader.h"
#include "server/storage/connection.h"
#include "server/storage/migrations.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::knowledge {

namespace v1 = ::pumpurs::v1;

inline v1::RiskFactor Risk(const std::string& code, const std::string& lv,
                           int order) {
  v1::RiskFactor rf;
  rf.set_name("riskFactors/" + code);
  rf.set_group(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
  rf.set_order(order);
  rf.mutable_title()->set_lv(lv);
  rf.mutable_title()->set_en(code);
  return rf;
}

struct Link {
  std::string risk;
  v1::Strength strength;
};

inline v1::MeasureType Measure(const std::string& code, const std::string& lv,
                               const std::string& en,
                               const std::vector<Link>& links,
                               int min_grade = 0,
                               bool vocational_allowed = true) {
  v1::MeasureType mt;
  mt.set_name("measureTypes/" + code);
  mt.set_category(v1::MEASURE_CATEGORY_MENTORING);
  mt.set_unit(v1::MEASURE_UNIT_HOURS);
  mt.mutable_title()->set_lv(lv);
  mt.mutable_title()->set_en(en);
  for (const Link& l : links) {
    v1::AddressedRisk* a = mt.add_addresses();
    a->set_risk_factor("riskFactors/" + l.risk);
    a->set_strength(l.strength);
    a->mutable_evidence()->set_lv("pamatojums " + code + " " + l.risk);
    a->mutable_evidence()->set_en("evidence " + code + " " + l.risk);
  }
  mt.set_min_grade(min_grade);
  mt.set_vocational_allowed(vocational_allowed);
  return mt;
}

struct ArticleSpec {
  std::string key;
  v1::ArticleKind kind = v1::ARTICLE_KIND_GUIDE;
  std::vector<v1::Audience> audiences;
  std::vector<std::string> risks;
  std::vector<std::string> measures;
  std::string lv_title, lv_summary, lv_body;
  std::string en_title, en_summary, en_body;
};

inline v1::Article MakeArticle(const ArticleSpec& s) {
  v1::Article a;
  a.set_seed_key(s.key);
  a.set_kind(s.kind);
  for (v1::Audience aud : s.audiences) a.add_audiences(aud);
  for (const std::string& r : s.risks) a.add_risk_factors("riskFactors/" + r);
  for (const std::string& m : s.measures) {
    a.add_measure_types("measureTypes/" + m);
  }
  v1::ArticleText* lv = a.add_texts();
  lv->set_locale("lv");
  lv->set_title(s.lv_title);
  lv->set_summary(s.lv_summary);
  lv->set_body(s.lv_body);
  if (!s.en_title.empty()) {
    v1::ArticleText* en = a.add_texts();
    en->set_locale("en");
    en->set_title(s.en_title);
    en->set_summary(s.en_summary);
    en->set_body(s.en_body);
  }
  return a;
}

class KnowledgeDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    auto conn = storage::Connection::Open(dir_.File("kb.db"),
                                          storage::Connection::Mode::kReadWrite,
                                          storage::ConnectionOptions{});
    ASSERT_THAT(conn, ::pumpurs::testing::IsOk());
    conn_ = *std::move(conn);
    ASSERT_THAT(storage::Migrate(*conn_, storage::SchemaMigrations()),
                ::pumpurs::testing::IsOk());
  }
  void TearDown() override {
    conn_.reset();
    SetLoggingEnabled(true);
  }

  void Load(const v1::KnowledgeSeed& seed) {
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(seed, &text));
    auto counts =
        LoadSeed(*conn_, {SeedFile{"test.textproto", text}}, absl::Now());
    ASSERT_THAT(counts, ::pumpurs::testing::IsOk());
  }

  // The id of a seed article.
  std::string Id(const std::string& key) {
    auto found = FindSeedArticle(*conn_, key);
    EXPECT_THAT(found, ::pumpurs::testing::IsOk());
    if (!found.ok() || !found->has_value()) return "";
    return (*found)->id;
  }

  ::pumpurs::testing::TempDir dir_;
  std::unique_ptr<storage::Connection> conn_;
};

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_TESTS_KNOWLEDGE_SEARCH_FIXTURE_H_
