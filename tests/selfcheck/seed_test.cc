// The self-check seed: four published questionnaires by system:seed, guides
// linked to the knowledge base's seed articles, loading twice changes
// nothing, a changed seed updates unedited items only, a bad seed stores
// nothing.

#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/selfcheck/selfcheck_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::selfcheck {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::testing::HasSubstr;

class SeedTest : public SelfCheckTest {
 protected:
  absl::StatusOr<QuestionnaireSeedCounts> Load(const std::string& text) {
    return Write<QuestionnaireSeedCounts>([&](storage::Connection& c) {
      return LoadQuestionnaireSeed(c, "test.textproto", text, absl::Now());
    });
  }
};

TEST_F(SeedTest, SeedIsPublishedAsRevisionOneBySystemSeed) {
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaires WHERE state = 2 "
                     "AND published_revision = 1 AND seed_key IS NOT NULL"),
            4);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaire_revisions WHERE "
                     "publisher = 'system:seed'"),
            4);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT age_band) FROM "
                     "sc_questionnaires"),
            4);
  const v1::Questionnaire q = SeedOf(v1::AGE_BAND_GRADES_1_4);
  EXPECT_EQ(q.seed_key(), "selfcheck-grades-1-4");
  // Guides are stored as the seed articles' names.
  bool any = false;
  for (const v1::AreaRule& r : q.areas()) {
    for (const std::string& g : r.guides()) {
      any = true;
      EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM kb_articles WHERE kind = 5 "
                         "AND seed_key LIKE 'guide-parents-%' AND 'articles/' "
                         "|| id = '" +
                         g + "'"),
                1)
          << g;
    }
  }
  EXPECT_TRUE(any);
}

TEST_F(SeedTest, LoadingTwiceChangesNothing) {
  absl::StatusOr<QuestionnaireSeedCounts> again =
      Load(std::string(EmbeddedQuestionnaireSeed()));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->added, 0);
  EXPECT_EQ(again->unchanged, 4);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaire_revisions"), 4);
}

TEST_F(SeedTest, AChangedSeedUpdatesOnlyItemsNotEditedThroughTheApi) {
  // Edit the grades 5-9 questionnaire through the API.
  v1::Questionnaire q = SeedOf(v1::AGE_BAND_GRADES_5_9);
  q.mutable_title()->set_lv("Labots");
  ASSERT_THAT(UpdateAs(Methodologist(), q, {"texts"}), IsOk());
  const std::string changed =
      absl::StrReplaceAll(std::string(EmbeddedQuestionnaireSeed()),
                          {{"Pašpārbaude vecākiem:", "Pašpārbaude ģimenēm:"}});
  absl::StatusOr<QuestionnaireSeedCounts> counts = Load(changed);
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->updated, 3);
  EXPECT_EQ(counts->kept_edited, 1);
  EXPECT_EQ(SeedOf(v1::AGE_BAND_GRADES_1_4).revision(), 2);
  EXPECT_EQ(SeedOf(v1::AGE_BAND_GRADES_1_4).title().lv(),
            "Pašpārbaude ģimenēm: 1.–4. klase");
  // The edited one keeps its working copy and its published revision.
  EXPECT_EQ(SeedOf(v1::AGE_BAND_GRADES_5_9).revision(), 1);
  EXPECT_EQ(GetAs(Methodologist().principal, q.name())->title().lv(), "Labots");
}

TEST_F(SeedTest, AnInvalidSeedStoresNothing) {
  const std::string bad = absl::StrReplaceAll(
      std::string(EmbeddedQuestionnaireSeed()),
      {{"seed:guide-parents-bullying", "seed:no-such-guide"},
       {"threshold: 2", "threshold: 0"}});
  absl::StatusOr<QuestionnaireSeedCounts> counts = Load(bad);
  EXPECT_THAT(counts, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(counts.status().message()),
              HasSubstr("test.textproto: questionnaires[0]"));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaire_revisions"), 4);
  EXPECT_THAT(Load("questionnaires { nonsense: 1 }"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pumpurs::selfcheck
