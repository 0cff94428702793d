#ifndef PUMPURS_TESTS_SELFCHECK_SELFCHECK_FIXTURE_H_
#define PUMPURS_TESTS_SELFCHECK_SELFCHECK_FIXTURE_H_

// Self-check tests: the support-plan fixture (people, the knowledge base's
// seed, a pupil of A with a guardian, an adult pupil of V) plus the
// self-check seed (four published questionnaires), a methodologist, and
// helpers that run the domain functions as a given caller.

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "pumpurs/v1/self_check.pb.h"
#include "server/selfcheck/evaluate.h"
#include "server/selfcheck/questionnaires.h"
#include "server/selfcheck/seed.h"
#include "tests/plans/plan_fixture.h"

namespace pumpurs::selfcheck {

namespace v1 = ::pumpurs::v1;

class SelfCheckTest : public plans::PlanTest {
 protected:
  void SetUp() override {
    plans::PlanTest::SetUp();
    absl::StatusOr<QuestionnaireSeedCounts> counts =
        Write<QuestionnaireSeedCounts>([](storage::Connection& c) {
          return LoadQuestionnaireSeed(c, "questionnaires.textproto",
                                       EmbeddedQuestionnaireSeed(),
                                       absl::Now());
        });
    ASSERT_THAT(counts, ::pumpurs::testing::IsOk());
    ASSERT_EQ(counts->added, 4);
  }

  CallContext Methodologist() {
    return directory::As("methodologist", {{Role::kMethodologist, ""}});
  }

  absl::StatusOr<v1::SelfCheckResult> Evaluate(
      const v1::EvaluateSelfCheckRequest& req) {
    return Read<v1::SelfCheckResult>(
        [&](storage::Connection& c) { return EvaluateStored(c, req); });
  }

  // The seed questionnaire of `band`, as an anonymous reader gets it.
  v1::Questionnaire SeedOf(v1::AgeBand band) {
    QuestionnaireQuery q;
    q.age_band = band;
    absl::StatusOr<ListPage<v1::Questionnaire>> page =
        Read<ListPage<v1::Questionnaire>>([&](storage::Connection& c) {
          return ListQuestionnaires(c, Principal{}, q);
        });
    EXPECT_THAT(page, ::pumpurs::testing::IsOk());
    for (const v1::Questionnaire& item : page->items) {
      if (!item.seed_key().empty()) return item;
    }
    ADD_FAILURE() << "no seed questionnaire for band " << band;
    return v1::Questionnaire();
  }

  // A small complete questionnaire of `band`: two learning questions
  // (l1, l2) and one family question (f1), options no 0 / some 1 / lot 3.
  v1::Questionnaire Small(v1::AgeBand band) {
    v1::Questionnaire q;
    q.set_age_band(band);
    q.mutable_title()->set_lv("Tests");
    auto add = [&](const std::string& id, v1::RiskGroup area) {
      v1::Question* question = q.add_questions();
      question->set_id(id);
      question->set_area(area);
      question->mutable_text()->set_lv("Jautājums " + id);
      question->mutable_text()->set_en("Question " + id);
      const std::vector<std::pair<std::string, int>> options = {
          {"no", 0}, {"some", 1}, {"lot", 3}};
      for (const auto& [oid, points] : options) {
        v1::AnswerOption* o = question->add_options();
        o->set_id(oid);
        o->mutable_text()->set_lv("Atbilde " + oid);
        o->set_points(points);
        if (points > 0) o->mutable_explanation()->set_lv("Skaidrojums " + id);
      }
    };
    add("l1", v1::RISK_GROUP_LEARNING_AND_SCHOOL);
    add("l2", v1::RISK_GROUP_LEARNING_AND_SCHOOL);
    add("f1", v1::RISK_GROUP_FAMILY);
    for (v1::RiskGroup g :
         {v1::RISK_GROUP_LEARNING_AND_SCHOOL, v1::RISK_GROUP_FAMILY}) {
      v1::AreaRule* r = q.add_areas();
      r->set_area(g);
      r->set_threshold(3);
      r->mutable_advice()->set_lv("Padoms");
      r->mutable_advice()->set_en("Advice");
    }
    return q;
  }

  absl::StatusOr<v1::Questionnaire> CreateAs(
      const CallContext& call, const v1::Questionnaire& q,
      const std::string& request_id = "") {
    return Write<v1::Questionnaire>(
        [&](storage::Connection& c) {
          return CreateQuestionnaire(c, call, q, request_id, absl::Now());
        },
        call);
  }
  absl::StatusOr<v1::Questionnaire> PublishAs(const CallContext& call,
                                              const std::string& name,
                                              const std::string& etag = "") {
    return Write<v1::Questionnaire>(
        [&](storage::Connection& c) {
          return PublishQuestionnaire(c, call, name.substr(name.find('/') + 1),
                                      etag, absl::Now());
        },
        call);
  }
  absl::StatusOr<v1::Questionnaire> UpdateAs(const CallContext& call,
                                             const v1::Questionnaire& values,
                                             const std::set<std::string>& paths,
                                             const std::string& etag = "") {
    const std::string& name = values.name();
    return Write<v1::Questionnaire>(
        [&](storage::Connection& c) {
          return UpdateQuestionnaire(c, call, name.substr(name.find('/') + 1),
                                     values, paths, etag, absl::Now());
        },
        call);
  }
  absl::StatusOr<v1::Questionnaire> GetAs(const Principal& p,
                                          const std::string& name) {
    return Read<v1::Questionnaire>([&](storage::Connection& c) {
      return GetQuestionnaire(c, p, name.substr(name.find('/') + 1));
    });
  }
};

}  // namespace pumpurs::selfcheck

#endif  // PUMPURS_TESTS_SELFCHECK_SELFCHECK_FIXTURE_H_
