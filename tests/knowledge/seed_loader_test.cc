#include "server/knowledge/seed_loader.h"

#include "absl/strings/str_replace.h"
#include "server/knowledge/seed_files.h"
#include "tests/knowledge/kb_fixture.h"

namespace pumpurs::knowledge {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kArticlesSeed[] = R"pb(
  articles {
    seed_key: "guide-absences"
    kind: ARTICLE_KIND_GUIDE
    audiences: AUDIENCE_PARENTS
    risk_factors: "riskFactors/unjustified-absences"
    texts {
      locale: "lv"
      title: "Kā runāt par kavējumiem"
      summary: "Padomi vecākiem."
      body: "Pirmā versija."
    }
  }
  articles {
    seed_key: "method-meals"
    kind: ARTICLE_KIND_METHOD
    audiences: AUDIENCE_STAFF
    measure_types: "measureTypes/meal-compensation"
    texts { locale: "lv" title: "Ēdināšana" body: "Teksts." }
  }
)pb";

class SeedLoaderTest : public KbTest {
 protected:
  absl::StatusOr<SeedCounts> Load(const std::string& articles) {
    return LoadSeed(*conn_,
                    {{"taxonomy.textproto", kTaxonomySeed},
                     {"articles.textproto", articles}},
                    absl::Now());
  }
  int64_t Count(const std::string& sql) { return *conn_->QueryInt(sql); }
  std::string IdOfKey(const std::string& key) {
    absl::StatusOr<std::optional<SeedArticleState>> st =
        FindSeedArticle(*conn_, key);
    EXPECT_THAT(st, IsOk());
    return st.ok() && *st ? (*st)->id : "";
  }
  std::string PublishedTitle(const std::string& id) {
    absl::StatusOr<v1::Article> a = GetArticle(*conn_, Teacher(), id);
    EXPECT_THAT(a, IsOk());
    return a.ok() ? a->texts(0).title() : "";
  }
};

TEST_F(SeedLoaderTest, LoadsIntoANewDatabase) {
  absl::StatusOr<SeedCounts> counts = Load(kArticlesSeed);
  ASSERT_THAT(counts, IsOk());
  // The taxonomy was loaded by the fixture already.
  EXPECT_EQ(counts->added, 2);
  EXPECT_EQ(counts->unchanged, 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kb_risk_factors"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kb_measure_types"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kb_measure_risks"), 2);
  const std::string id = IdOfKey("guide-absences");
  absl::StatusOr<v1::Article> a = GetArticle(*conn_, Anonymous(), id);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->state(), v1::ARTICLE_STATE_PUBLISHED);
  EXPECT_EQ(a->seed_key(), "guide-absences");
  absl::StatusOr<v1::ArticleRevision> rev =
      GetArticleRevision(*conn_, Anonymous(), id, 1);
  ASSERT_THAT(rev, IsOk());
  EXPECT_EQ(rev->publisher(), "system:seed");
}

TEST_F(SeedLoaderTest, SecondLoadChangesNothing) {
  ASSERT_THAT(Load(kArticlesSeed), IsOk());
  const int64_t before = Count("SELECT total_changes()");
  const int64_t versions = Count("SELECT SUM(version) FROM kb_articles");
  absl::StatusOr<SeedCounts> again = Load(kArticlesSeed);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->added, 0);
  EXPECT_EQ(again->updated, 0);
  EXPECT_EQ(again->unchanged, 7);
  EXPECT_EQ(Count("SELECT total_changes()"), before);
  EXPECT_EQ(Count("SELECT SUM(version) FROM kb_articles"), versions);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kb_article_revisions"), 2);
}

TEST_F(SeedLoaderTest, ChangedUneditedItemIsUpdatedAndRepublished) {
  ASSERT_THAT(Load(kArticlesSeed), IsOk());
  const std::string id = IdOfKey("guide-absences");
  const std::string changed = absl::StrReplaceAll(
      kArticlesSeed,
      {{"Kā runāt par kavējumiem", "Kā runāt par kavējumiem 2"}});
  absl::StatusOr<SeedCounts> counts = Load(changed);
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->updated, 1);
  EXPECT_EQ(PublishedTitle(id), "Kā runāt par kavējumiem 2");
  absl::StatusOr<v1::ArticleRevision> rev =
      GetArticleRevision(*conn_, Anonymous(), id, 2);
  ASSERT_THAT(rev, IsOk());
  EXPECT_EQ(rev->publisher(), "system:seed");
  // A changed taxonomy item is updated too.
  const std::string taxonomy = absl::StrReplaceAll(
      kTaxonomySeed, {{"\"Zemi ienākumi\"", "\"Zemi ģimenes ienākumi\""}});
  ASSERT_THAT(LoadSeed(*conn_, {{"taxonomy.textproto", taxonomy}}, absl::Now()),
              IsOk());
  absl::StatusOr<v1::RiskFactor> rf = GetRiskFactor(*conn_, "low-income");
  ASSERT_THAT(rf, IsOk());
  EXPECT_EQ(rf->title().lv(), "Zemi ģimenes ienākumi");
}

TEST_F(SeedLoaderTest, ApiEditSurvivesAChangedSeed) {
  ASSERT_THAT(Load(kArticlesSeed), IsOk());
  const std::string id = IdOfKey("guide-absences");
  v1::Article change;
  v1::ArticleText* lv = change.add_texts();
  lv->set_locale("lv");
  lv->set_title("Metodiķa labojums");
  ASSERT_THAT(UpdateArticle(*conn_, writer_, id, change, {"texts"}, ""),
              IsOk());
  MustPublish(id);
  const std::string changed =
      absl::StrReplaceAll(kArticlesSeed, {{"Pirmā versija.", "Otrā versija."}});
  absl::StatusOr<SeedCounts> counts = Load(changed);
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->kept_edited, 1);
  EXPECT_EQ(PublishedTitle(id), "Metodiķa labojums");
  EXPECT_EQ(Count("SELECT published_revision FROM kb_articles WHERE "
                  "seed_key = 'guide-absences'"),
            2);
}

TEST_F(SeedLoaderTest, InvalidSeedNamesFileAndItemAndStoresNothing) {
  const std::string bad = absl::StrReplaceAll(
      kArticlesSeed,
      {{"riskFactors/unjustified-absences", "riskFactors/no-such-risk"}});
  ASSERT_THAT(conn_->Exec("BEGIN"), IsOk());
  absl::StatusOr<SeedCounts> counts = Load(bad);
  ASSERT_THAT(conn_->Exec("ROLLBACK"), IsOk());
  EXPECT_THAT(counts, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(counts, HasReason("INVALID_SEED"));
  EXPECT_THAT(counts.status().message(),
              HasSubstr("articles.textproto: articles[0].risk_factors[0]"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM kb_articles"), 0);

  absl::StatusOr<SeedCounts> unparsable = Load("articles { nonsense: 1 }");
  EXPECT_THAT(unparsable, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(unparsable.status().message(), HasSubstr("articles.textproto"));
  EXPECT_THAT(unparsable.status().message(), HasSubstr("line 1"));

  absl::StatusOr<SeedCounts> no_key = Load(
      "articles { kind: ARTICLE_KIND_GUIDE audiences: AUDIENCE_STAFF "
      "texts { locale: \"en\" title: \"x\" } }");
  EXPECT_THAT(no_key.status().message(),
              HasSubstr("articles.textproto: articles[0].seed_key"));
  EXPECT_THAT(no_key.status().message(),
              HasSubstr("articles.textproto: articles[0].texts"));
}

// The seed shipped with the release loads, and loads again unchanged.
TEST_F(SeedLoaderTest, EmbeddedSeedIsValid) {
  auto conn = storage::Connection::Open(dir_.File("fresh.db"),
                                        storage::Connection::Mode::kReadWrite,
                                        storage::ConnectionOptions{});
  ASSERT_THAT(conn, IsOk());
  ASSERT_THAT(storage::Migrate(**conn, storage::SchemaMigrations()), IsOk());
  absl::StatusOr<SeedCounts> first =
      LoadSeed(**conn, EmbeddedSeedFiles(), absl::Now());
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<SeedCounts> second =
      LoadSeed(**conn, EmbeddedSeedFiles(), absl::Now());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->added + second->updated, 0);
  EXPECT_EQ(second->unchanged, first->added);
}

}  // namespace
}  // namespace pumpurs::knowledge
