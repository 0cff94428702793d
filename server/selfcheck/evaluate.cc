#include "server/selfcheck/evaluate.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/principal.h"
#include "server/common/status_macros.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/taxonomy.h"
#include "server/selfcheck/questionnaires.h"

namespace pumpurs::selfcheck {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr int kMaxAnswers = 200;

std::string InLocale(const v1::LocalizedText& t, bool english) {
  if (english && !t.en().empty()) return t.en();
  return t.lv();
}

}  // namespace

std::string HowToAskForSupport(absl::string_view locale) {
  if (locale == "en") {
    return "If you are worried, talk to your child's class teacher or the "
           "school's support team (social pedagogue, psychologist or the "
           "school's support coordinator); the school can also tell you who "
           "to contact in your municipality. An individual support plan "
           "starts with a written application from a parent (or from the "
           "pupil, if 18 or older): you can hand in a signed form at the "
           "school or, signed in, apply online from this self-check, sharing "
           "only the areas and the note you choose. Your answers here are "
           "not stored or sent to the school.";
  }
  return "Ja jums ir bažas, runājiet ar bērna klases audzinātāju vai skolas "
         "atbalsta komandu (sociālo pedagogu, psihologu vai skolas atbalsta "
         "koordinatoru); skola var arī pateikt, pie kā vērsties pašvaldībā. "
         "Individuālais atbalsta plāns sākas ar vecāka (vai pilngadīga "
         "skolēna) rakstisku iesniegumu: to var iesniegt skolā parakstītā "
         "veidlapā vai, pierakstoties, pieteikt tiešsaistē no šīs "
         "pašpārbaudes, nododot tikai tās jomas un to piezīmi, ko izvēlaties. "
         "Jūsu atbildes šeit netiek saglabātas un netiek nosūtītas skolai.";
}

absl::StatusOr<v1::SelfCheckResult> Evaluate(
    const v1::Questionnaire& q, const v1::EvaluateSelfCheckRequest& req,
    const GuideTitles& guides) {
  Violations v;
  const std::string& locale = req.locale();
  if (!locale.empty() && locale != "lv" && locale != "en") {
    v.Add("locale", "must be lv or en");
  }
  if (req.answers_size() > kMaxAnswers) {
    v.Add("answers", absl::StrCat("must be at most ", kMaxAnswers, " answers"));
    return v.ToStatus();
  }
  // question index → chosen option index.
  std::vector<int> chosen(q.questions_size(), -1);
  for (int i = 0; i < req.answers_size(); ++i) {
    const v1::SelfCheckAnswer& a = req.answers(i);
    const std::string f = absl::StrCat("answers[", i, "]");
    int qi = -1;
    for (int k = 0; k < q.questions_size(); ++k) {
      if (q.questions(k).id() == a.question()) {
        qi = k;
        break;
      }
    }
    if (qi < 0) {
      v.Add(f + ".question", "is not a question of the questionnaire");
      continue;
    }
    if (chosen[qi] != -1) {
      v.Add(f + ".question", "is answered twice");
      continue;
    }
    int oi = -1;
    const v1::Question& question = q.questions(qi);
    for (int k = 0; k < question.options_size(); ++k) {
      if (question.options(k).id() == a.option()) {
        oi = k;
        break;
      }
    }
    if (oi < 0) {
      v.Add(f + ".option", "is not an option of the question");
      chosen[qi] = -2;  // answered, if wrongly
      continue;
    }
    chosen[qi] = oi;
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  const bool english = locale == "en";

  struct Trigger {
    int points;
    int question_index;
    v1::TriggeredAnswer answer;
  };
  struct Area {
    v1::AreaResult result;
    std::vector<Trigger> triggers;
  };
  std::vector<Area> areas;
  for (const v1::AreaRule& rule : q.areas()) {
    Area area;
    area.result.set_area(rule.area());
    area.result.set_threshold(rule.threshold());
    area.result.set_advice(InLocale(rule.advice(), english));
    for (const std::string& g : rule.guides()) {
      auto it = guides.find(g);
      if (it == guides.end()) continue;
      area.result.add_guides(g);
      area.result.add_guide_titles(InLocale(it->second, english));
    }
    areas.push_back(std::move(area));
  }
  auto area_of = [&](int group) -> Area* {
    for (Area& a : areas) {
      if (a.result.area() == group) return &a;
    }
    return nullptr;
  };
  for (int qi = 0; qi < q.questions_size(); ++qi) {
    if (chosen[qi] < 0) continue;
    const v1::Question& question = q.questions(qi);
    const v1::AnswerOption& option = question.options(chosen[qi]);
    Area* area = area_of(question.area());
    if (area == nullptr || option.points() <= 0) continue;
    area->result.set_points(area->result.points() + option.points());
    Trigger t;
    t.points = option.points();
    t.question_index = qi;
    t.answer.set_question(question.id());
    t.answer.set_question_text(InLocale(question.text(), english));
    t.answer.set_answer_text(InLocale(option.text(), english));
    t.answer.set_explanation(InLocale(option.explanation(), english));
    t.answer.set_points(option.points());
    area->triggers.push_back(std::move(t));
  }
  for (Area& area : areas) {
    area.result.set_shows_signs(area.result.points() >=
                                area.result.threshold());
    std::stable_sort(area.triggers.begin(), area.triggers.end(),
                     [](const Trigger& a, const Trigger& b) {
                       if (a.points != b.points) return a.points > b.points;
                       return a.question_index < b.question_index;
                     });
    for (Trigger& t : area.triggers) {
      *area.result.add_triggered() = std::move(t.answer);
    }
  }
  std::stable_sort(areas.begin(), areas.end(),
                   [](const Area& a, const Area& b) {
                     if (a.result.shows_signs() != b.result.shows_signs()) {
                       return a.result.shows_signs();
                     }
                     return a.result.area() < b.result.area();
                   });
  v1::SelfCheckResult result;
  result.set_questionnaire(q.name());
  result.set_revision(q.revision());
  for (Area& area : areas) *result.add_areas() = std::move(area.result);
  result.set_how_to_ask_for_support(HowToAskForSupport(locale));
  return result;
}

absl::StatusOr<v1::SelfCheckResult> EvaluateStored(
    storage::Connection& conn, const v1::EvaluateSelfCheckRequest& req) {
  PublishedQuestionnaire pq;
  if (!req.questionnaire().empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::string id, ParseResourceName(req.questionnaire(), kQuestionnaires,
                                          "questionnaire"));
    PUMPURS_ASSIGN_OR_RETURN(pq, LoadPublished(conn, id));
  } else {
    if (req.age_band() == v1::AGE_BAND_UNSPECIFIED ||
        !v1::AgeBand_IsValid(req.age_band())) {
      return InvalidFieldError(
          "questionnaire",
          "is required unless age_band names a known age band");
    }
    PUMPURS_ASSIGN_OR_RETURN(pq, LoadPublishedForBand(conn, req.age_band()));
  }
  pq.content.set_name(ResourceName(kQuestionnaires, pq.id));
  pq.content.set_revision(pq.revision);
  // The guides' titles, as anyone (no account) may read them.
  GuideTitles titles;
  const Principal anonymous;
  for (const v1::AreaRule& rule : pq.content.areas()) {
    for (const std::string& g : rule.guides()) {
      if (titles.count(g)) continue;
      absl::StatusOr<std::string> id =
          ParseResourceName(g, knowledge::kArticles, "guide");
      if (!id.ok()) continue;
      absl::StatusOr<v1::Article> article =
          knowledge::GetArticle(conn, anonymous, *id);
      if (!article.ok()) {
        const absl::StatusCode code = article.status().code();
        if (code == absl::StatusCode::kNotFound ||
            code == absl::StatusCode::kUnauthenticated) {
          continue;
        }
        return article.status();
      }
      v1::LocalizedText title;
      for (const v1::ArticleText& t : article->texts()) {
        if (t.locale() == "lv") title.set_lv(t.title());
        if (t.locale() == "en") title.set_en(t.title());
      }
      titles[g] = title;
    }
  }
  return Evaluate(pq.content, req, titles);
}

}  // namespace pumpurs::selfcheck
