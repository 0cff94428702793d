// The self-check's evaluation: every seed band gives the expected areas for
// scripted answers (table-driven over the embedded seed), the result is
// ordered and explained as the contract says, and bad answers are named
// by field without repeating them.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/selfcheck/selfcheck_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::selfcheck {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr v1::RiskGroup kLearning = v1::RISK_GROUP_LEARNING_AND_SCHOOL;
constexpr v1::RiskGroup kSocial = v1::RISK_GROUP_SOCIAL_AND_HEALTH;
constexpr v1::RiskGroup kEconomic = v1::RISK_GROUP_ECONOMIC;
constexpr v1::RiskGroup kFamily = v1::RISK_GROUP_FAMILY;

v1::EvaluateSelfCheckRequest Answers(
    v1::AgeBand band, const std::map<std::string, std::string>& answers,
    const std::string& locale = "") {
  v1::EvaluateSelfCheckRequest req;
  req.set_age_band(band);
  req.set_locale(locale);
  for (const auto& [question, option] : answers) {
    v1::SelfCheckAnswer* a = req.add_answers();
    a->set_question(question);
    a->set_option(option);
  }
  return req;
}

std::set<int> Signs(const v1::SelfCheckResult& r) {
  std::set<int> out;
  for (const v1::AreaResult& a : r.areas()) {
    if (a.shows_signs()) out.insert(a.area());
  }
  return out;
}

const v1::AreaResult* AreaOf(const v1::SelfCheckResult& r, int area) {
  for (const v1::AreaResult& a : r.areas()) {
    if (a.area() == area) return &a;
  }
  return nullptr;
}

struct Case {
  const char* label;
  v1::AgeBand band;
  std::map<std::string, std::string> answers;
  std::set<int> signs;
};

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {"grades 1-4: complaints often, lonely and ill sometimes, a change",
       v1::AGE_BAND_GRADES_1_4,
       {{"morning-complaints", "often"},
        {"friends", "sometimes"},
        {"health", "sometimes"},
        {"big-change", "yes"},
        {"meals", "no"}},
       {kLearning, kSocial}},
      {"grades 1-4: nothing", v1::AGE_BAND_GRADES_1_4, {}, {}},
      {"grades 5-9: absences and marks sometimes, no trips often",
       v1::AGE_BAND_GRADES_5_9,
       {{"absences", "sometimes"},
        {"marks-falling", "sometimes"},
        {"trips-clubs", "often"},
        {"tension", "no"},
        {"parent-abroad", "yes"}},
       {kLearning, kEconomic}},
      {"grades 5-9: only one occasional sign per area",
       v1::AGE_BAND_GRADES_5_9,
       {{"homework", "sometimes"},
        {"withdrawn", "sometimes"},
        {"school-things", "sometimes"},
        {"school-contact", "sometimes"}},
       {}},
      {"grades 10-12: works too much, thinks of earning, lives apart",
       v1::AGE_BAND_GRADES_10_12,
       {{"works-too-much", "often"},
        {"earn-money", "sometimes"},
        {"big-change", "yes"},
        {"lives-apart", "yes"},
        {"stress", "sometimes"}},
       {kEconomic, kFamily}},
      {"vocational: debts, low mood",
       v1::AGE_BAND_VOCATIONAL,
       {{"voc-debts", "yes"},
        {"withdrawn", "often"},
        {"substances", "sometimes"},
        {"living-costs", "sometimes"},
        {"home-duties", "sometimes"}},
       {kLearning, kSocial}},
      {"vocational: not sure counts as no sign",
       v1::AGE_BAND_VOCATIONAL,
       {{"voc-debts", "unsure"}, {"big-change", "unsure"}},
       {}},
  };
  return *cases;
}

TEST_F(SelfCheckTest, EachBandGivesTheExpectedAreasForScriptedAnswers) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.label);
    absl::StatusOr<v1::SelfCheckResult> r =
        Evaluate(Answers(c.band, c.answers));
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(Signs(*r), c.signs);
    // One result per area with questions: all four in every seed band.
    EXPECT_EQ(r->areas_size(), 4);
    // Areas showing signs first, then in RiskGroup order.
    for (int i = 1; i < r->areas_size(); ++i) {
      const v1::AreaResult& a = r->areas(i - 1);
      const v1::AreaResult& b = r->areas(i);
      EXPECT_TRUE(a.shows_signs() > b.shows_signs() ||
                  (a.shows_signs() == b.shows_signs() && a.area() < b.area()));
    }
    EXPECT_EQ(r->questionnaire(), SeedOf(c.band).name());
    EXPECT_EQ(r->revision(), 1);
  }
}

TEST_F(SelfCheckTest, EveryBandShowsEveryAreaWhenEveryAnswerIsTheWorst) {
  for (v1::AgeBand band :
       {v1::AGE_BAND_GRADES_1_4, v1::AGE_BAND_GRADES_5_9,
        v1::AGE_BAND_GRADES_10_12, v1::AGE_BAND_VOCATIONAL}) {
    SCOPED_TRACE(v1::AgeBand_Name(band));
    const v1::Questionnaire q = SeedOf(band);
    ASSERT_EQ(q.age_band(), band);
    EXPECT_FALSE(q.title().lv().empty());
    EXPECT_FALSE(q.title().en().empty());
    std::map<std::string, std::string> worst;
    std::map<int, int> per_area;
    for (const v1::Question& question : q.questions()) {
      const v1::AnswerOption* best = &question.options(0);
      for (const v1::AnswerOption& o : question.options()) {
        if (o.points() > best->points()) best = &o;
        EXPECT_FALSE(o.text().en().empty());
      }
      worst[question.id()] = best->id();
      ++per_area[question.area()];
      EXPECT_FALSE(question.text().en().empty());
    }
    // The seed covers all four risk groups with 3 to 5 questions each.
    ASSERT_EQ(per_area.size(), 4u);
    for (const auto& [area, n] : per_area) {
      EXPECT_GE(n, 3) << area;
      EXPECT_LE(n, 5) << area;
    }
    absl::StatusOr<v1::SelfCheckResult> r = Evaluate(Answers(band, worst));
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(Signs(*r),
              (std::set<int>{kLearning, kSocial, kEconomic, kFamily}));
    for (const v1::AreaResult& a : r->areas()) {
      EXPECT_FALSE(a.advice().empty());
      EXPECT_FALSE(a.guides().empty()) << "the seed links guides";
      ASSERT_EQ(a.guides_size(), a.guide_titles_size());
      for (int i = 0; i < a.guides_size(); ++i) {
        EXPECT_THAT(a.guides(i), ::testing::StartsWith("articles/"));
        EXPECT_FALSE(a.guide_titles(i).empty());
      }
      for (const v1::TriggeredAnswer& t : a.triggered()) {
        EXPECT_FALSE(t.question_text().empty());
        EXPECT_FALSE(t.answer_text().empty());
        EXPECT_FALSE(t.explanation().empty());
      }
    }
  }
}

TEST_F(SelfCheckTest, ResultExplainsInTheLocale) {
  const auto answers = std::map<std::string, std::string>{
      {"absences", "often"}, {"marks-falling", "sometimes"}};
  absl::StatusOr<v1::SelfCheckResult> lv =
      Evaluate(Answers(v1::AGE_BAND_GRADES_5_9, answers));
  absl::StatusOr<v1::SelfCheckResult> en =
      Evaluate(Answers(v1::AGE_BAND_GRADES_5_9, answers, "en"));
  ASSERT_THAT(lv, IsOk());
  ASSERT_THAT(en, IsOk());
  const v1::AreaResult* l = AreaOf(*lv, kLearning);
  const v1::AreaResult* e = AreaOf(*en, kLearning);
  ASSERT_NE(l, nullptr);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(l->points(), 3);
  EXPECT_EQ(l->threshold(), 2);
  ASSERT_EQ(l->triggered_size(), 2);
  // Most points first.
  EXPECT_EQ(l->triggered(0).question(), "absences");
  EXPECT_EQ(l->triggered(0).points(), 2);
  EXPECT_EQ(l->triggered(0).answer_text(), "Bieži");
  EXPECT_EQ(e->triggered(0).answer_text(), "Often");
  EXPECT_EQ(l->triggered(1).question(), "marks-falling");
  EXPECT_THAT(e->triggered(0).question_text(), HasSubstr("miss lessons"));
  EXPECT_THAT(l->triggered(0).question_text(), HasSubstr("kavē"));
  EXPECT_NE(l->advice(), e->advice());
  EXPECT_THAT(lv->how_to_ask_for_support(), HasSubstr("klases audzinātāj"));
  EXPECT_THAT(lv->how_to_ask_for_support(), HasSubstr("iesniegum"));
  EXPECT_THAT(en->how_to_ask_for_support(), HasSubstr("class teacher"));
  EXPECT_THAT(en->how_to_ask_for_support(), HasSubstr("written application"));
  // The same for every result.
  absl::StatusOr<v1::SelfCheckResult> none =
      Evaluate(Answers(v1::AGE_BAND_GRADES_1_4, {}, "en"));
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->how_to_ask_for_support(), en->how_to_ask_for_support());
  // Deterministic.
  absl::StatusOr<v1::SelfCheckResult> again =
      Evaluate(Answers(v1::AGE_BAND_GRADES_5_9, answers, "en"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->SerializeAsString(), en->SerializeAsString());
}

// The pure function over a small questionnaire.
class EvaluatePureTest : public ::testing::Test {
 protected:
  v1::Questionnaire Small() {
    v1::Questionnaire q;
    q.set_name("questionnaires/x");
    q.set_revision(3);
    auto add = [&](const std::string& id, v1::RiskGroup area) {
      v1::Question* question = q.add_questions();
      question->set_id(id);
      question->set_area(area);
      question->mutable_text()->set_lv("J " + id);
      question->mutable_text()->set_en("Q " + id);
      for (const auto& [oid, points] : std::vector<std::pair<std::string, int>>{
               {"no", 0}, {"some", 1}, {"lot", 3}}) {
        v1::AnswerOption* o = question->add_options();
        o->set_id(oid);
        o->mutable_text()->set_lv("A " + oid);  // no English: falls back
        o->set_points(points);
        o->mutable_explanation()->set_lv("S " + id);
        o->mutable_explanation()->set_en("E " + id);
      }
    };
    add("l1", kLearning);
    add("l2", kLearning);
    add("l3", kLearning);
    add("f1", kFamily);
    for (v1::RiskGroup g : {kFamily, kLearning}) {
      v1::AreaRule* r = q.add_areas();
      r->set_area(g);
      r->set_threshold(3);
      r->add_guides("articles/gone");
      r->add_guides("articles/here");
      r->mutable_advice()->set_lv("Padoms");
    }
    return q;
  }
  GuideTitles Titles() {
    GuideTitles t;
    t["articles/here"].set_lv("Virsraksts");
    t["articles/here"].set_en("Title");
    return t;
  }
};

TEST_F(EvaluatePureTest, SumsPointsAndOrdersTriggeredAnswers) {
  v1::EvaluateSelfCheckRequest req;
  req.set_locale("en");
  for (const auto& [q, o] : std::vector<std::pair<std::string, std::string>>{
           {"l3", "some"}, {"l1", "some"}, {"l2", "lot"}, {"f1", "some"}}) {
    v1::SelfCheckAnswer* a = req.add_answers();
    a->set_question(q);
    a->set_option(o);
  }
  absl::StatusOr<v1::SelfCheckResult> r = Evaluate(Small(), req, Titles());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->questionnaire(), "questionnaires/x");
  EXPECT_EQ(r->revision(), 3);
  ASSERT_EQ(r->areas_size(), 2);
  const v1::AreaResult& l = r->areas(0);  // shows signs: first
  EXPECT_EQ(l.area(), kLearning);
  EXPECT_TRUE(l.shows_signs());
  EXPECT_EQ(l.points(), 5);
  ASSERT_EQ(l.triggered_size(), 3);
  // Most points first, then question order (not answer order).
  EXPECT_EQ(l.triggered(0).question(), "l2");
  EXPECT_EQ(l.triggered(1).question(), "l1");
  EXPECT_EQ(l.triggered(2).question(), "l3");
  EXPECT_EQ(l.triggered(0).question_text(), "Q l2");
  EXPECT_EQ(l.triggered(0).answer_text(), "A lot");  // lv fallback
  EXPECT_EQ(l.triggered(0).explanation(), "E l2");
  EXPECT_EQ(l.advice(), "Padoms");  // lv fallback
  // Only guides still published for parents, with their titles.
  EXPECT_THAT(l.guides(), ElementsAre("articles/here"));
  EXPECT_THAT(l.guide_titles(), ElementsAre("Title"));
  const v1::AreaResult& f = r->areas(1);
  EXPECT_EQ(f.area(), kFamily);
  EXPECT_FALSE(f.shows_signs());
  EXPECT_EQ(f.points(), 1);
  EXPECT_EQ(f.threshold(), 3);
}

TEST_F(EvaluatePureTest, ThresholdIsReachedAtEquality) {
  v1::EvaluateSelfCheckRequest req;
  v1::SelfCheckAnswer* a = req.add_answers();
  a->set_question("f1");
  a->set_option("lot");
  absl::StatusOr<v1::SelfCheckResult> r = Evaluate(Small(), req, Titles());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->areas(0).area(), kFamily);
  EXPECT_TRUE(r->areas(0).shows_signs());
  EXPECT_EQ(r->areas(1).area(), kLearning);
  EXPECT_FALSE(r->areas(1).shows_signs());
  EXPECT_THAT(r->areas(1).triggered(), IsEmpty());
}

TEST_F(EvaluatePureTest, BadAnswersAreNamedWithoutRepeatingThem) {
  v1::EvaluateSelfCheckRequest req;
  req.set_locale("de");
  auto add = [&](const std::string& q, const std::string& o) {
    v1::SelfCheckAnswer* a = req.add_answers();
    a->set_question(q);
    a->set_option(o);
  };
  add("l1", "some");
  add("secret-question", "no");
  add("l2", "secret-option");
  add("l1", "lot");
  absl::StatusOr<v1::SelfCheckResult> r = Evaluate(Small(), req, Titles());
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(r.status()),
              UnorderedElementsAre("locale", "answers[1].question",
                                   "answers[2].option", "answers[3].question"));
  EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("secret")));
}

TEST_F(SelfCheckTest, EvaluateNamesTheQuestionnaireOrABand) {
  v1::EvaluateSelfCheckRequest req;
  EXPECT_THAT(ViolatedFields(Evaluate(req).status()),
              ElementsAre("questionnaire"));
  req.set_questionnaire("questionnaires/nosuchthing0000");
  EXPECT_THAT(Evaluate(req), StatusIs(absl::StatusCode::kNotFound));
  req.set_questionnaire("bad");
  EXPECT_THAT(ViolatedFields(Evaluate(req).status()),
              ElementsAre("questionnaire"));
  // By name: its latest published revision.
  req.set_questionnaire(SeedOf(v1::AGE_BAND_GRADES_10_12).name());
  absl::StatusOr<v1::SelfCheckResult> r = Evaluate(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->questionnaire(), req.questionnaire());
}

}  // namespace
}  // namespace pumpurs::selfcheck
