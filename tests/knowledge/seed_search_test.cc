// Relevance on the real seed content (server/knowledge/seed/*.textproto):
// what a coordinator or parent types finds the article written for it.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/knowledge/recommend.h"
#include "server/knowledge/search.h"
#include "server/knowledge/seed_files.h"
#include "server/knowledge/seed_loader.h"
#include "tests/knowledge/search_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::knowledge {
namespace {

using ::pumpurs::testing::IsOk;
using ::testing::Contains;

class SeedSearchTest : public KnowledgeDbTest {
 protected:
  void SetUp() override {
    KnowledgeDbTest::SetUp();
    ASSERT_THAT(LoadSeed(*conn_, EmbeddedSeedFiles(), absl::Now()), IsOk());
    staff_.account_id = "staff-account";
    staff_.roles.push_back({Role::kInstitutionCoordinator, "inst"});
  }

  // Seed keys of the hits, best first.
  std::vector<std::string> Top(const std::string& query,
                               const std::string& locale = "",
                               bool signed_in = true) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_locale(locale);
    request.set_page_size(5);
    auto r = SearchArticles(*conn_, signed_in ? staff_ : Principal{}, request);
    EXPECT_THAT(r, IsOk());
    std::vector<std::string> keys;
    if (!r.ok()) return keys;
    for (const v1::SearchResult& hit : r->results()) {
      auto s = conn_->Prepare("SELECT seed_key FROM kb_articles WHERE id = ?");
      s->Bind(1, hit.article().substr(hit.article().find('/') + 1));
      auto row = s->Step();
      keys.push_back(row.ok() && *row ? s->ColumnText(0) : "?");
    }
    return keys;
  }
  std::string First(const std::string& query, const std::string& locale = "",
                    bool signed_in = true) {
    std::vector<std::string> keys = Top(query, locale, signed_in);
    return keys.empty() ? "" : keys.front();
  }

  Principal staff_;
};

TEST_F(SeedSearchTest, SeedIsIndexed) {
  EXPECT_GT(*conn_->QueryInt("SELECT count(*) FROM kb_search"), 40);
  EXPECT_EQ(
      *conn_->QueryInt("SELECT count(*) FROM kb_search"),
      *conn_->QueryInt("SELECT count(*) FROM kb_articles WHERE state = 2"));
}

TEST_F(SeedSearchTest, RiskQueriesFindTheRiskArticle) {
  EXPECT_EQ(First("kavējumi"), "risk-unjustified-absences");
  EXPECT_EQ(First("neattaisnoti kavējumi"), "risk-unjustified-absences");
  EXPECT_EQ(First("kavejumi"), "risk-unjustified-absences");
  EXPECT_EQ(First("unjustified absences", "en"), "risk-unjustified-absences");
  EXPECT_EQ(First("mācīšanās grūtības"), "risk-learning-difficulties");
  EXPECT_EQ(First("vardarbība"), "risk-violence-bullying");
}

TEST_F(SeedSearchTest, MeasureQueriesFindTheMeasureArticle) {
  EXPECT_EQ(First("psihologs"), "measure-psychologist-consultation");
  EXPECT_EQ(First("psihologa konsultācija"),
            "measure-psychologist-consultation");
  EXPECT_EQ(First("logopēds"), "measure-speech-therapist-consultation");
  EXPECT_EQ(First("mentorings"), "measure-mentoring");
}

TEST_F(SeedSearchTest, ParentsFindTheirGuides) {
  EXPECT_THAT(Top("kā runāt ar bērnu par kavējumiem", "", false),
              Contains("guide-parents-talking-about-absences"));
  EXPECT_EQ(First("runāt ar bērnu kavējumi", "", false),
            "guide-parents-talking-about-absences");
}

TEST_F(SeedSearchTest, RecommendationsForAbsencesLinkTheirArticles) {
  v1::RecommendMeasuresRequest request;
  v1::AssessedRisk* risk = request.add_risks();
  risk->set_risk_factor("riskFactors/unjustified-absences");
  risk->set_severity(v1::SEVERITY_HIGH);
  auto r = RecommendMeasures(*conn_, staff_, request);
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->recommendations().empty());
  for (const v1::Recommendation& rec : r->recommendations()) {
    EXPECT_FALSE(rec.title().empty());
    EXPECT_FALSE(rec.reasons().empty());
    EXPECT_EQ(rec.caveat(), "");
  }
  // Every measure type has its article in the seed.
  EXPECT_FALSE(r->recommendations(0).articles().empty());
}

}  // namespace
}  // namespace pumpurs::knowledge
