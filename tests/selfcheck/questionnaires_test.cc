// Questionnaires: methodologists write drafts and publish revisions;
// anyone reads published ones; validation names fields; publishing needs a
// complete questionnaire; a new revision changes what parents get while the
// earlier one stays in the table.

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/selfcheck/selfcheck_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::selfcheck {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST_F(SelfCheckTest, OnlyWritersCreateUpdateAndPublish) {
  const v1::Questionnaire q = Small(v1::AGE_BAND_GRADES_5_9);
  EXPECT_THAT(CreateAs(Anonymous(), q),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(CreateAs(GuardianA(), q),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateAs(HeadA(), q),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Questionnaire> made = CreateAs(Methodologist(), q);
  ASSERT_THAT(made, IsOk());
  EXPECT_THAT(CreateAs(Admin(), q), IsOk());
  EXPECT_THAT(PublishAs(GuardianA(), made->name()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(PublishAs(Anonymous(), made->name()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(UpdateAs(PreparerA(), *made, {"texts"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Permission before existence.
  v1::Questionnaire missing;
  missing.set_name("questionnaires/aaaaaaaaaaaaaaaa");
  EXPECT_THAT(UpdateAs(GuardianA(), missing, {"texts"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(UpdateAs(Methodologist(), missing, {"texts"}),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SelfCheckTest, DraftsAreForWritersPublishedForAnyone) {
  absl::StatusOr<v1::Questionnaire> made =
      CreateAs(Methodologist(), Small(v1::AGE_BAND_GRADES_5_9));
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->state(), v1::QUESTIONNAIRE_STATE_DRAFT);
  EXPECT_EQ(made->revision(), 0);
  EXPECT_EQ(made->seed_key(), "");
  EXPECT_THAT(GetAs(Principal{}, made->name()),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetAs(GuardianA().principal, made->name()),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetAs(Methodologist().principal, made->name()), IsOk());
  // Lists: anonymous callers see the four seed questionnaires only.
  QuestionnaireQuery all;
  absl::StatusOr<ListPage<v1::Questionnaire>> anon =
      Read<ListPage<v1::Questionnaire>>([&](storage::Connection& c) {
        return ListQuestionnaires(c, Principal{}, all);
      });
  ASSERT_THAT(anon, IsOk());
  EXPECT_EQ(anon->items.size(), 4u);
  absl::StatusOr<ListPage<v1::Questionnaire>> writer =
      Read<ListPage<v1::Questionnaire>>([&](storage::Connection& c) {
        return ListQuestionnaires(c, Methodologist().principal, all);
      });
  ASSERT_THAT(writer, IsOk());
  EXPECT_EQ(writer->items.size(), 5u);
  // By band, then name; paging.
  QuestionnaireQuery paged;
  paged.page_size = 3;
  absl::StatusOr<ListPage<v1::Questionnaire>> first =
      Read<ListPage<v1::Questionnaire>>([&](storage::Connection& c) {
        return ListQuestionnaires(c, Methodologist().principal, paged);
      });
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->items[0].age_band(), v1::AGE_BAND_GRADES_1_4);
  ASSERT_FALSE(first->next_page_token.empty());
  paged.page_token = first->next_page_token;
  absl::StatusOr<ListPage<v1::Questionnaire>> second =
      Read<ListPage<v1::Questionnaire>>([&](storage::Connection& c) {
        return ListQuestionnaires(c, Methodologist().principal, paged);
      });
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->items.size(), 2u);
  EXPECT_TRUE(second->next_page_token.empty());
  EXPECT_EQ(second->items.back().age_band(), v1::AGE_BAND_VOCATIONAL);
  // A token is not valid for another filter.
  paged.age_band = v1::AGE_BAND_GRADES_5_9;
  EXPECT_THAT(Read<ListPage<v1::Questionnaire>>([&](storage::Connection& c) {
                return ListQuestionnaires(c, Methodologist().principal, paged);
              }),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SelfCheckTest, ValidationNamesEveryBadField) {
  v1::Questionnaire q = Small(v1::AGE_BAND_GRADES_1_4);
  q.set_age_band(v1::AGE_BAND_UNSPECIFIED);
  q.mutable_title()->set_lv(std::string(201, 'a'));
  q.mutable_questions(0)->set_id("bad id");
  q.mutable_questions(2)->set_id("l2");
  q.mutable_questions(1)->set_area(v1::RISK_GROUP_UNSPECIFIED);
  q.mutable_questions(2)->mutable_text()->clear_lv();
  q.mutable_questions(2)->mutable_options(1)->set_points(11);
  q.mutable_questions(2)->mutable_options(2)->set_id("no");
  q.mutable_questions(0)->mutable_options()->DeleteSubrange(1, 2);
  q.mutable_areas(0)->set_threshold(-1);
  q.mutable_areas(0)->add_guides("articles/aaaaaaaaaaaaaaaa");
  q.mutable_areas(0)->add_guides("notanarticle");
  q.mutable_areas(1)->set_area(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
  absl::StatusOr<v1::Questionnaire> made =
      CreateAs(Methodologist(), q, std::string(65, 'x'));
  EXPECT_THAT(made, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ViolatedFields(made.status()),
      UnorderedElementsAre(
          "questionnaire.age_band", "questionnaire.title.lv",
          "questionnaire.questions[0].id", "questionnaire.questions[0].options",
          "questionnaire.questions[2].id", "questionnaire.questions[1].area",
          "questionnaire.questions[2].text.lv",
          "questionnaire.questions[2].options[1].points",
          "questionnaire.questions[2].options[2].id",
          "questionnaire.areas[0].threshold",
          "questionnaire.areas[0].guides[0]",
          "questionnaire.areas[0].guides[1]", "questionnaire.areas[1].area",
          "request_id"));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaires"), 4);
  v1::Questionnaire many = Small(v1::AGE_BAND_GRADES_1_4);
  for (int i = 0; i < 40; ++i) {
    *many.add_questions() = many.questions(0);
    many.mutable_questions(many.questions_size() - 1)
        ->set_id("x" + std::to_string(i));
  }
  EXPECT_THAT(ViolatedFields(CreateAs(Methodologist(), many).status()),
              UnorderedElementsAre("questionnaire.questions"));
}

TEST_F(SelfCheckTest, PublishingNeedsACompleteQuestionnaire) {
  v1::Questionnaire q;
  q.set_age_band(v1::AGE_BAND_GRADES_1_4);
  absl::StatusOr<v1::Questionnaire> empty = CreateAs(Methodologist(), q);
  ASSERT_THAT(empty, IsOk());
  absl::StatusOr<v1::Questionnaire> published =
      PublishAs(Methodologist(), empty->name());
  EXPECT_THAT(published, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(published, HasReason("QUESTIONNAIRE_INCOMPLETE"));
  EXPECT_THAT(ViolatedFields(published.status()),
              UnorderedElementsAre("questionnaire.title.lv",
                                   "questionnaire.questions"));

  v1::Questionnaire partial = Small(v1::AGE_BAND_GRADES_1_4);
  partial.mutable_areas(0)->set_threshold(0);
  partial.mutable_areas(0)->mutable_advice()->clear_lv();
  partial.mutable_areas()->RemoveLast();  // family has questions, no rule
  v1::AreaRule* extra = partial.add_areas();
  extra->set_area(v1::RISK_GROUP_ECONOMIC);
  extra->set_threshold(1);
  extra->mutable_advice()->set_lv("x");
  absl::StatusOr<v1::Questionnaire> made = CreateAs(Methodologist(), partial);
  ASSERT_THAT(made, IsOk());
  published = PublishAs(Methodologist(), made->name());
  EXPECT_THAT(published, HasReason("QUESTIONNAIRE_INCOMPLETE"));
  EXPECT_THAT(ViolatedFields(published.status()),
              UnorderedElementsAre("questionnaire.areas[0].threshold",
                                   "questionnaire.areas[0].advice.lv",
                                   "questionnaire.areas[1].area",
                                   "questionnaire.areas"));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaire_revisions"), 4);
}

TEST_F(SelfCheckTest, GuidesMustBePublishedArticlesForParentsToPublish) {
  v1::Questionnaire q = Small(v1::AGE_BAND_GRADES_1_4);
  const std::string staff_only =
      "articles/" + *Read<std::string>([](storage::Connection& c)
                                           -> absl::StatusOr<std::string> {
        PUMPURS_ASSIGN_OR_RETURN(
            storage::Statement s,
            c.Prepare("SELECT id FROM kb_articles WHERE (audiences & 12) = 0 "
                      "AND state = 2 LIMIT 1"));
        PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return absl::NotFoundError("no staff-only article");
        return s.ColumnText(0);
      });
  q.mutable_areas(0)->add_guides(staff_only);
  absl::StatusOr<v1::Questionnaire> made = CreateAs(Methodologist(), q);
  ASSERT_THAT(made, IsOk());
  absl::StatusOr<v1::Questionnaire> published =
      PublishAs(Methodologist(), made->name());
  EXPECT_THAT(published, HasReason("QUESTIONNAIRE_INCOMPLETE"));
  EXPECT_THAT(ViolatedFields(published.status()),
              UnorderedElementsAre("questionnaire.areas[0].guides[0]"));
}

TEST_F(SelfCheckTest, ANewRevisionChangesWhatParentsGet) {
  const CallContext m = Methodologist();
  absl::StatusOr<v1::Questionnaire> made =
      CreateAs(m, Small(v1::AGE_BAND_GRADES_5_9), "create-1");
  ASSERT_THAT(made, IsOk());
  // A retried request_id returns the first result.
  absl::StatusOr<v1::Questionnaire> again =
      CreateAs(m, Small(v1::AGE_BAND_GRADES_5_9), "create-1");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->name(), made->name());
  // A stale etag is refused.
  EXPECT_THAT(PublishAs(m, made->name(), "\"99\""),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<v1::Questionnaire> r1 =
      PublishAs(m, made->name(), made->etag());
  ASSERT_THAT(r1, IsOk());
  EXPECT_EQ(r1->state(), v1::QUESTIONNAIRE_STATE_PUBLISHED);
  EXPECT_EQ(r1->revision(), 1);
  // The band's most recently published questionnaire is what parents get.
  v1::EvaluateSelfCheckRequest req;
  req.set_age_band(v1::AGE_BAND_GRADES_5_9);
  v1::SelfCheckAnswer* a = req.add_answers();
  a->set_question("l1");
  a->set_option("lot");
  absl::StatusOr<v1::SelfCheckResult> got = Evaluate(req);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->questionnaire(), made->name());
  EXPECT_EQ(got->revision(), 1);
  EXPECT_TRUE(got->areas(0).shows_signs());

  // Revision 2 raises the threshold; the working copy changes first.
  v1::Questionnaire values = *r1;
  values.mutable_areas(0)->set_threshold(4);
  values.mutable_title()->set_lv("Otrā versija");
  absl::StatusOr<v1::Questionnaire> edited =
      UpdateAs(m, values, {"areas", "texts"}, r1->etag());
  ASSERT_THAT(edited, IsOk());
  EXPECT_EQ(edited->title().lv(), "Otrā versija");
  EXPECT_THAT(UpdateAs(m, values, {"areas"}, r1->etag()),
              StatusIs(absl::StatusCode::kAborted));
  // Readers still get revision 1 until it is published.
  absl::StatusOr<v1::Questionnaire> reader = GetAs(Principal{}, made->name());
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(reader->title().lv(), "Tests");
  EXPECT_EQ(reader->revision(), 1);
  got = Evaluate(req);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->revision(), 1);

  absl::StatusOr<v1::Questionnaire> r2 = PublishAs(m, made->name());
  ASSERT_THAT(r2, IsOk());
  EXPECT_EQ(r2->revision(), 2);
  got = Evaluate(req);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->revision(), 2);
  const v1::AreaResult* learning = nullptr;
  for (const v1::AreaResult& area : got->areas()) {
    if (area.area() == v1::RISK_GROUP_LEARNING_AND_SCHOOL) learning = &area;
  }
  ASSERT_NE(learning, nullptr);
  EXPECT_EQ(learning->threshold(), 4);
  EXPECT_FALSE(learning->shows_signs());
  reader = GetAs(Principal{}, made->name());
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(reader->title().lv(), "Otrā versija");
  // Revision 1 stays, unchanged and unchangeable.
  const std::string id = made->name().substr(made->name().find('/') + 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM sc_questionnaire_revisions WHERE "
                     "questionnaire_id = '" +
                     id + "'"),
            2);
  EXPECT_THAT(Exec("UPDATE sc_questionnaire_revisions SET publisher = 'x' "
                   "WHERE questionnaire_id = '" +
                   id + "'"),
              ::testing::Not(IsOk()));
  // The seed questionnaire of the band is still readable by name.
  v1::EvaluateSelfCheckRequest by_name = req;
  by_name.clear_age_band();
  by_name.set_questionnaire(SeedOf(v1::AGE_BAND_GRADES_5_9).name());
  by_name.clear_answers();
  EXPECT_THAT(Evaluate(by_name), IsOk());
}

TEST_F(SelfCheckTest, UpdateValidatesTheMergedWorkingCopy) {
  absl::StatusOr<v1::Questionnaire> made =
      CreateAs(Methodologist(), Small(v1::AGE_BAND_GRADES_1_4));
  ASSERT_THAT(made, IsOk());
  v1::Questionnaire values;
  values.set_name(made->name());
  values.add_questions()->set_id("only");
  absl::StatusOr<v1::Questionnaire> bad =
      UpdateAs(Methodologist(), values, {"questions"});
  EXPECT_THAT(ViolatedFields(bad.status()),
              UnorderedElementsAre("questionnaire.questions[0].area",
                                   "questionnaire.questions[0].text.lv",
                                   "questionnaire.questions[0].options"));
  // Paths not in the mask are kept.
  values = v1::Questionnaire();
  values.set_name(made->name());
  values.set_age_band(v1::AGE_BAND_VOCATIONAL);
  absl::StatusOr<v1::Questionnaire> moved =
      UpdateAs(Methodologist(), values, {"age_band"});
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(moved->age_band(), v1::AGE_BAND_VOCATIONAL);
  EXPECT_EQ(moved->questions_size(), 3);
  EXPECT_EQ(moved->title().lv(), "Tests");
  EXPECT_NE(moved->etag(), made->etag());
}

}  // namespace
}  // namespace pumpurs::selfcheck
