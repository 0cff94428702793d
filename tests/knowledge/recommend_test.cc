#include "server/knowledge/recommend.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/knowledge/search_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::knowledge {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A small taxonomy:
//   absences   (A), learning (L), family (F), money (M)
//   mentoring:   A strong,   min grade 7
//   psychologist: F strong, A moderate
//   tutor:       L strong, A weak
//   meals:       M strong, A weak, not for vocational schools
//   talk:        A moderate, F weak     (ties with psychologist on A alone)
class RecommendTest : public KnowledgeDbTest {
 protected:
  void SetUp() override {
    KnowledgeDbTest::SetUp();
    v1::KnowledgeSeed seed;
    *seed.add_risk_factors() = Risk("absences", "Kavējumi", 1);
    *seed.add_risk_factors() = Risk("learning", "Mācīšanās grūtības", 2);
    *seed.add_risk_factors() = Risk("family", "Ģimene", 3);
    *seed.add_risk_factors() = Risk("money", "Nauda", 4);
    *seed.add_measure_types() =
        Measure("mentoring", "Mentorings", "Mentoring",
                {{"absences", v1::STRENGTH_STRONG}}, /*min_grade=*/7);
    *seed.add_measure_types() = Measure(
        "psychologist", "Psihologs", "Psychologist",
        {{"family", v1::STRENGTH_STRONG}, {"absences", v1::STRENGTH_MODERATE}});
    *seed.add_measure_types() = Measure(
        "tutor", "Pedagogs", "Tutor",
        {{"learning", v1::STRENGTH_STRONG}, {"absences", v1::STRENGTH_WEAK}});
    *seed.add_measure_types() = Measure(
        "meals", "Ēdināšana", "",
        {{"money", v1::STRENGTH_STRONG}, {"absences", v1::STRENGTH_WEAK}}, 0,
        /*vocational_allowed=*/false);
    *seed.add_measure_types() = Measure(
        "talk", "Saruna", "Talk",
        {{"absences", v1::STRENGTH_MODERATE}, {"family", v1::STRENGTH_WEAK}});

    ArticleSpec staff;
    staff.key = "psychologist-staff";
    staff.kind = v1::ARTICLE_KIND_MEASURE;
    staff.audiences = {v1::AUDIENCE_STAFF};
    staff.measures = {"psychologist"};
    staff.lv_title = "Psihologa darbs (pedagogiem)";
    ArticleSpec parents = staff;
    parents.key = "psychologist-parents";
    parents.audiences = {v1::AUDIENCE_PARENTS};
    parents.lv_title = "Psihologs (vecākiem)";
    ArticleSpec archived = staff;
    archived.key = "psychologist-archived";
    archived.lv_title = "Vecs raksts";
    // Inserted so that the parents' article sorts before the staff one by
    // id as often as not: the staff-first rule must decide.
    *seed.add_articles() = MakeArticle(parents);
    *seed.add_articles() = MakeArticle(staff);
    *seed.add_articles() = MakeArticle(archived);
    Load(seed);
    CallContext call;
    ASSERT_THAT(ArchiveArticle(*conn_, call, Id("psychologist-archived"), ""),
                IsOk());

    staff_.account_id = "staff-account";
    staff_.roles.push_back({Role::kMeasureProvider, "inst"});
  }

  static v1::AssessedRisk Assessed(const std::string& code, v1::Severity s) {
    v1::AssessedRisk r;
    r.set_risk_factor("riskFactors/" + code);
    r.set_severity(s);
    return r;
  }

  absl::StatusOr<v1::RecommendMeasuresResponse> Recommend(
      const v1::RecommendMeasuresRequest& request, bool signed_in = true) {
    return RecommendMeasures(*conn_, signed_in ? staff_ : Principal{}, request);
  }

  static std::vector<std::string> Codes(
      const v1::RecommendMeasuresResponse& r) {
    std::vector<std::string> codes;
    for (const auto& rec : r.recommendations()) {
      codes.push_back(
          rec.measure_type().substr(rec.measure_type().find('/') + 1));
    }
    return codes;
  }

  Principal staff_;
};

TEST_F(RecommendTest, RanksByPointsThenRisksThenCode) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("absences", v1::SEVERITY_HIGH);
  *request.add_risks() = Assessed("family", v1::SEVERITY_MEDIUM);
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  // psychologist 2*3 + 3*2 = 12; mentoring 3*3 = 9; talk 2*3 + 1*2 = 8;
  // meals 1*3 = 3 and tutor 1*3 = 3 tie on points and risks: by code.
  EXPECT_THAT(Codes(*r), ElementsAre("psychologist", "mentoring", "talk",
                                     "meals", "tutor"));
  std::vector<int> totals, ranks;
  for (const auto& rec : r->recommendations()) {
    totals.push_back(rec.total_points());
    ranks.push_back(rec.rank());
  }
  EXPECT_THAT(totals, ElementsAre(12, 9, 8, 3, 3));
  EXPECT_THAT(ranks, ElementsAre(1, 2, 3, 4, 5));
}

TEST_F(RecommendTest, TiesOnPointsGoToTheMeasureAddressingMoreRisks) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("absences", v1::SEVERITY_MEDIUM);
  *request.add_risks() = Assessed("family", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("learning", v1::SEVERITY_LOW);
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  // mentoring 3*2 = 6 (one risk); talk 2*2 + 1*1 = 5 (two); psychologist
  // 2*2 + 3*1 = 7; tutor 1*2 + 3*1 = 5 (two); meals 1*2 = 2.
  // talk and tutor tie on points and risks: by code.
  EXPECT_THAT(Codes(*r), ElementsAre("psychologist", "mentoring", "talk",
                                     "tutor", "meals"));

  // A pure points tie where the number of risks decides:
  request.clear_risks();
  *request.add_risks() = Assessed("absences", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("learning", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("family", v1::SEVERITY_LOW);
  r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  // psychologist 3+2 = 5 (2 risks); tutor 3+1 = 4 (2); mentoring 3 (1);
  // talk 2+1 = 3 (2) → talk before mentoring; meals 1.
  EXPECT_THAT(Codes(*r), ElementsAre("psychologist", "tutor", "talk",
                                     "mentoring", "meals"));
}

TEST_F(RecommendTest, ReasonsExplainThePoints) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("absences", v1::SEVERITY_HIGH);
  *request.add_risks() = Assessed("family", v1::SEVERITY_MEDIUM);
  request.set_locale("en");
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  const v1::Recommendation& top = r->recommendations(0);
  EXPECT_EQ(top.measure_type(), "measureTypes/psychologist");
  EXPECT_EQ(top.title(), "Psychologist");
  EXPECT_EQ(top.caveat(), "");
  ASSERT_EQ(top.reasons_size(), 2);
  // Equal points (6 each): by risk code.
  EXPECT_EQ(top.reasons(0).risk_factor(), "riskFactors/absences");
  EXPECT_EQ(top.reasons(0).severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(top.reasons(0).strength(), v1::STRENGTH_MODERATE);
  EXPECT_EQ(top.reasons(0).points(), 6);
  EXPECT_EQ(top.reasons(0).evidence(), "evidence psychologist absences");
  EXPECT_EQ(top.reasons(1).risk_factor(), "riskFactors/family");
  EXPECT_EQ(top.reasons(1).points(), 6);
  int sum = 0;
  for (const auto& reason : top.reasons()) sum += reason.points();
  EXPECT_EQ(sum, top.total_points());

  request.clear_locale();
  r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->recommendations(0).title(), "Psihologs");
  EXPECT_EQ(r->recommendations(0).reasons(0).evidence(),
            "pamatojums psychologist absences");
}

TEST_F(RecommendTest, EnglishFallsBackToLatvian) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("money", v1::SEVERITY_LOW);
  request.set_locale("en");
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(Codes(*r), ElementsAre("meals"));
  EXPECT_EQ(r->recommendations(0).title(), "Ēdināšana");
}

TEST_F(RecommendTest, CaveatedMeasuresComeAfterSuitableOnes) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("absences", v1::SEVERITY_HIGH);
  *request.add_risks() = Assessed("money", v1::SEVERITY_HIGH);
  request.set_grade(5);
  request.set_institution_kind(v1::INSTITUTION_KIND_STATE_VOCATIONAL_SCHOOL);
  request.set_locale("en");
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  // Without caveats: meals 3*3 + 1*3 = 12, mentoring 9, psychologist 6,
  // talk 6, tutor 3. Meals (vocational) and mentoring (grade) go last.
  EXPECT_THAT(Codes(*r), ElementsAre("psychologist", "talk", "tutor", "meals",
                                     "mentoring"));
  EXPECT_EQ(r->recommendations(3).caveat(), "not for vocational schools");
  EXPECT_EQ(r->recommendations(4).caveat(), "for grade 7 and above");
  EXPECT_EQ(r->recommendations(0).caveat(), "");
  EXPECT_EQ(r->recommendations(4).rank(), 5);

  // Grade 0 and an unknown institution kind cause no caveat.
  request.set_grade(0);
  request.clear_institution_kind();
  r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Codes(*r), ElementsAre("meals", "mentoring", "psychologist",
                                     "talk", "tutor"));
  for (const auto& rec : r->recommendations()) EXPECT_EQ(rec.caveat(), "");

  // Latvian caveats.
  request.set_grade(6);
  request.set_locale("lv");
  r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->recommendations(4).caveat(), "paredzēts no 7. klases");
}

TEST_F(RecommendTest, MaxResultsCuts) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("absences", v1::SEVERITY_HIGH);
  request.set_max_results(2);
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Codes(*r), ElementsAre("mentoring", "psychologist"));
}

TEST_F(RecommendTest, ArticlesStaffFirstAndOnlyReadableOnes) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("family", v1::SEVERITY_HIGH);
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(Codes(*r).front(), "psychologist");
  EXPECT_THAT(r->recommendations(0).articles(),
              ElementsAre("articles/" + Id("psychologist-staff"),
                          "articles/" + Id("psychologist-parents")));
  EXPECT_THAT(r->recommendations(1).articles(), IsEmpty());  // talk

  r = Recommend(request, /*signed_in=*/false);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->recommendations(0).articles(),
              ElementsAre("articles/" + Id("psychologist-parents")));
}

TEST_F(RecommendTest, Deterministic) {
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("learning", v1::SEVERITY_MEDIUM);
  *request.add_risks() = Assessed("absences", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("family", v1::SEVERITY_HIGH);
  auto first = Recommend(request);
  ASSERT_THAT(first, IsOk());
  // The order of the risks in the request does not matter.
  v1::RecommendMeasuresRequest reversed;
  for (int i = request.risks_size() - 1; i >= 0; --i) {
    *reversed.add_risks() = request.risks(i);
  }
  for (int i = 0; i < 3; ++i) {
    auto again = Recommend(i == 0 ? request : reversed);
    ASSERT_THAT(again, IsOk());
    EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  }
}

TEST_F(RecommendTest, RisksNoMeasureAddressesGiveNothing) {
  v1::KnowledgeSeed seed;
  *seed.add_risk_factors() = Risk("orphan", "Bez pasākumiem", 9);
  Load(seed);
  v1::RecommendMeasuresRequest request;
  *request.add_risks() = Assessed("orphan", v1::SEVERITY_HIGH);
  auto r = Recommend(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->recommendations(), IsEmpty());
}

TEST_F(RecommendTest, ValidationNamesEveryBadField) {
  v1::RecommendMeasuresRequest request;
  EXPECT_THAT(Recommend(request),
              ViolatesFields(std::vector<std::string>{"risks"}));

  *request.add_risks() = Assessed("absences", v1::SEVERITY_HIGH);
  *request.add_risks() = Assessed("absences", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("no-such-risk", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("Bad Code", v1::SEVERITY_LOW);
  *request.add_risks() = Assessed("family", v1::SEVERITY_UNSPECIFIED);
  request.set_grade(13);
  request.set_institution_kind(static_cast<v1::InstitutionKind>(77));
  request.set_locale("de");
  request.set_max_results(-1);
  EXPECT_THAT(Recommend(request),
              ViolatesFields(std::vector<std::string>{
                  "risks[1].risk_factor", "risks[2].risk_factor",
                  "risks[3].risk_factor", "risks[4].severity", "grade",
                  "institution_kind", "locale", "max_results"}));

  request.Clear();
  for (int i = 0; i < 21; ++i) {
    *request.add_risks() = Assessed("absences", v1::SEVERITY_LOW);
  }
  EXPECT_THAT(Recommend(request),
              ViolatesFields(std::vector<std::string>{"risks"}));
  request.set_grade(-1);
  EXPECT_THAT(Recommend(request),
              ViolatesFields(std::vector<std::string>{"risks", "grade"}));
}

}  // namespace
}  // namespace pumpurs::knowledge
