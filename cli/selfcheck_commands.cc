// pumpurs selfcheck questionnaires [--age_band=..]
// pumpurs selfcheck show NAME [--locale=lv|en]
// pumpurs selfcheck take [NAME] [--age_band=..] [--locale=lv|en]
//                        [--answers=Q:OPTION,...]
//                        [--apply --pupil=.. [--semester=YEAR-TERM]
//                         [--share=AREA,...] [--note=..]]
// pumpurs selfcheck create --from_json=FILE [--age_band=..]
// pumpurs selfcheck update NAME --from_json=FILE [--age_band=..] [--etag=..]
// pumpurs selfcheck publish NAME [--etag=..]
//
// `take` asks each question on the terminal (or reads the choices from
// piped stdin), evaluates the answers (no account needed; the server stores
// nothing) and prints which areas show signs and why. Only a signed-in
// parent who says yes (or gives --apply) sends an application, carrying
// only the areas they choose to share and their note; never the answers.

#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, age_band, "",
          "selfcheck: the age band, grades_1_4, grades_5_9, grades_10_12 or "
          "vocational");
ABSL_FLAG(std::string, answers, "",
          "selfcheck take: the answers without asking, QUESTION:OPTION,... "
          "(e.g. q1:often,q2:no); unanswered questions count as no sign");
ABSL_FLAG(bool, apply, false,
          "selfcheck take: then apply for an individual support plan "
          "without asking (signed in as the guardian; needs --pupil)");
ABSL_FLAG(std::string, share, "",
          "selfcheck take --apply: the areas to share with the school, "
          "e.g. learning_and_school,family (default: none)");
ABSL_FLAG(std::string, note, "",
          "selfcheck take --apply: a note for the school (default: none)");

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs selfcheck questionnaires [--age_band=..]\n"
    "       pumpurs selfcheck show NAME [--locale=lv|en]\n"
    "       pumpurs selfcheck take [NAME] "
    "[--age_band=grades_1_4|grades_5_9|grades_10_12|vocational] "
    "[--locale=lv|en] [--answers=q1:often,q2:no]\n"
    "                              [--apply --pupil=.. "
    "[--semester=YEAR-TERM] [--share=learning_and_school,family] "
    "[--note=..]]\n"
    "       pumpurs selfcheck create --from_json=FILE [--age_band=..]\n"
    "       pumpurs selfcheck update NAME --from_json=FILE [--age_band=..] "
    "[--etag=..]\n"
    "       pumpurs selfcheck publish NAME [--etag=..]\n"
    "take asks each question on the terminal (or reads the numbers from "
    "stdin) and needs no account; nothing about the answers is stored.\n"
    "FILE: protobuf JSON of a pumpurs.v1.Questionnaire (e.g. from pumpurs "
    "--json selfcheck show); update changes only the fields the file "
    "names.";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::string QuestionnaireName(absl::string_view name) {
  return FullName("questionnaires", name);
}

bool English() {
  return absl::AsciiStrToLower(absl::GetFlag(FLAGS_locale)) == "en";
}

// The text in the chosen locale, else the Latvian one.
std::string Text(const v1::LocalizedText& t) {
  return English() && !t.en().empty() ? t.en() : t.lv();
}

// Latvian or English UI text.
const char* Say(const char* lv, const char* en) { return English() ? en : lv; }

std::string AreaTitle(v1::RiskGroup area) {
  switch (area) {
    case v1::RISK_GROUP_LEARNING_AND_SCHOOL:
      return Say("Mācību darbs un skolas vide",
                 "Learning and school environment");
    case v1::RISK_GROUP_SOCIAL_AND_HEALTH:
      return Say("Sociālā vide un veselība", "Social environment and health");
    case v1::RISK_GROUP_ECONOMIC:
      return Say("Ekonomiskie apstākļi", "Economic circumstances");
    case v1::RISK_GROUP_FAMILY:
      return Say("Ģimene", "Family");
    default:
      return EnumWord(area);
  }
}

// "Ģimene (family)".
std::string AreaLabel(v1::RiskGroup area) {
  return absl::StrCat(AreaTitle(area), " (", EnumWord(area), ")");
}

bool ParseAgeBandFlag(v1::AgeBand* band) {
  *band = v1::AGE_BAND_UNSPECIFIED;
  const std::string text = absl::GetFlag(FLAGS_age_band);
  return text.empty() || ParseEnumWord(text, band);
}

constexpr char kBadBand[] =
    "--age_band must be grades_1_4, grades_5_9, grades_10_12 or vocational";

// One line of stdin without its line end; false at the end of input.
bool ReadLine(std::string* line) {
  if (!std::getline(std::cin, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

// Where questions and prompts go: stdout, or stderr when stdout is JSON.
FILE* PromptOut() { return absl::GetFlag(FLAGS_json) ? stderr : stdout; }

// Asks a yes/no question; no at the end of input.
bool AskYesNo(const std::string& question) {
  FILE* out = PromptOut();
  for (;;) {
    std::fprintf(out, "%s [%s] ", question.c_str(), Say("j/N", "y/N"));
    std::fflush(out);
    std::string line;
    if (!ReadLine(&line)) {
      std::fputc('\n', out);
      return false;
    }
    const std::string a =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(line));
    if (a.empty() || a == "n" || a == "ne" || a == "no") return false;
    if (a == "y" || a == "yes" || a == "j" || a == "jā" || a == "ja") {
      return true;
    }
  }
}

// ---- questionnaires ----

int PrintQuestionnaire(const v1::Questionnaire& q) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(q);
  PrintFields({{"name", q.name()},
               {"age_band", EnumWord(q.age_band())},
               {"title", Text(q.title())},
               {"state", EnumWord(q.state())},
               {"revision", absl::StrCat(q.revision())},
               {"seed_key", q.seed_key()},
               {"etag", q.etag()},
               {"update_time", TimeText(q.update_time())}});
  if (const std::string intro = Text(q.introduction()); !intro.empty()) {
    std::printf("\n%s\n", intro.c_str());
  }
  for (const v1::Question& question : q.questions()) {
    std::printf("\n%s [%s] %s\n", question.id().c_str(),
                EnumWord(question.area()).c_str(),
                Text(question.text()).c_str());
    for (const v1::AnswerOption& o : question.options()) {
      std::printf("    %s (%d): %s\n", o.id().c_str(), o.points(),
                  Text(o.text()).c_str());
    }
  }
  if (q.areas_size() > 0) std::printf("\n");
  for (const v1::AreaRule& rule : q.areas()) {
    std::printf("area %s: threshold %d%s%s\n", EnumWord(rule.area()).c_str(),
                rule.threshold(), rule.guides().empty() ? "" : ", guides ",
                absl::StrJoin(rule.guides(), ",").c_str());
  }
  return 0;
}

int List(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("selfcheck questionnaires takes no NAME");
  v1::ListQuestionnairesRequest request;
  v1::AgeBand band;
  if (!ParseAgeBandFlag(&band)) return Usage(kBadBand);
  request.set_age_band(band);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListQuestionnairesResponse all;
  absl::Status status =
      client.ForEachQuestionnaire(request, [&](const v1::Questionnaire& q) {
        *all.add_questionnaires() = q;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "AGE BAND", "STATE", "REVISION", "QUESTIONS", "TITLE"});
  for (const v1::Questionnaire& q : all.questionnaires()) {
    table.AddRow({q.name(), EnumWord(q.age_band()), EnumWord(q.state()),
                  absl::StrCat(q.revision()), absl::StrCat(q.questions_size()),
                  Text(q.title())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Show(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("selfcheck show needs NAME");
  v1::GetQuestionnaireRequest request;
  request.set_name(QuestionnaireName(args[1]));
  absl::StatusOr<v1::Questionnaire> q = client.GetQuestionnaire(request);
  return q.ok() ? PrintQuestionnaire(*q) : Fail(q.status());
}

// The fields UpdateQuestionnaire changes, by the JSON field they come from.
const std::map<std::string, std::string>& MaskPaths() {
  static const auto* paths =
      new std::map<std::string, std::string>{{"age_band", "age_band"},
                                             {"title", "texts"},
                                             {"introduction", "texts"},
                                             {"questions", "questions"},
                                             {"areas", "areas"}};
  return *paths;
}

int Create(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("selfcheck create takes no NAME");
  v1::CreateQuestionnaireRequest request;
  v1::Questionnaire* q = request.mutable_questionnaire();
  const std::string file = absl::GetFlag(FLAGS_from_json);
  if (file.empty()) return Usage("selfcheck create needs --from_json=FILE");
  if (absl::Status s = ReadJsonFile(file, q); !s.ok()) {
    return Usage(s.message());
  }
  v1::AgeBand band;
  if (!ParseAgeBandFlag(&band)) return Usage(kBadBand);
  if (band != v1::AGE_BAND_UNSPECIFIED) q->set_age_band(band);
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::Questionnaire> created =
      client.CreateQuestionnaire(request);
  return created.ok() ? PrintQuestionnaire(*created) : Fail(created.status());
}

int Update(const Client& client, const Args& args) {
  if (args.size() > 2) return Usage("selfcheck update takes one NAME");
  v1::UpdateQuestionnaireRequest request;
  v1::Questionnaire* q = request.mutable_questionnaire();
  std::vector<std::string> present;
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, q, &present); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (args.size() == 2) q->set_name(QuestionnaireName(args[1]));
  if (q->name().empty()) return Usage("selfcheck update needs NAME");
  std::set<std::string> mask;
  for (const std::string& field : present) {
    auto it = MaskPaths().find(field);
    if (it != MaskPaths().end()) mask.insert(it->second);
  }
  v1::AgeBand band;
  if (!ParseAgeBandFlag(&band)) return Usage(kBadBand);
  if (band != v1::AGE_BAND_UNSPECIFIED) {
    q->set_age_band(band);
    mask.insert("age_band");
  }
  // --etag wins; else the file's (as `selfcheck show --json` wrote it).
  if (FlagGiven("etag")) q->set_etag(absl::GetFlag(FLAGS_etag));
  if (mask.empty()) {
    return Usage(
        "nothing to update: give --from_json with ageBand, title, "
        "introduction, questions or areas, or --age_band");
  }
  for (const std::string& path : mask) {
    request.mutable_update_mask()->add_paths(path);
  }
  absl::StatusOr<v1::Questionnaire> updated =
      client.UpdateQuestionnaire(request);
  return updated.ok() ? PrintQuestionnaire(*updated) : Fail(updated.status());
}

int Publish(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("selfcheck publish needs NAME");
  v1::PublishQuestionnaireRequest request;
  request.set_name(QuestionnaireName(args[1]));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  absl::StatusOr<v1::Questionnaire> q = client.PublishQuestionnaire(request);
  return q.ok() ? PrintQuestionnaire(*q) : Fail(q.status());
}

// ---- take ----

// The questionnaire to take: NAME, else the band's published one (the one
// published most recently, as the server picks it), else a choice among
// the published ones.
absl::StatusOr<v1::Questionnaire> ChooseQuestionnaire(const Client& client,
                                                      const Args& args,
                                                      v1::AgeBand band) {
  if (args.size() == 2) {
    v1::GetQuestionnaireRequest request;
    request.set_name(QuestionnaireName(args[1]));
    return client.GetQuestionnaire(request);
  }
  v1::ListQuestionnairesRequest request;
  request.set_age_band(band);
  std::vector<v1::Questionnaire> published;
  absl::Status status =
      client.ForEachQuestionnaire(request, [&](const v1::Questionnaire& q) {
        if (q.state() == v1::QUESTIONNAIRE_STATE_PUBLISHED) {
          published.push_back(q);
        }
        return true;
      });
  if (!status.ok()) return status;
  if (published.empty()) {
    return absl::NotFoundError(
        band == v1::AGE_BAND_UNSPECIFIED
            ? "no questionnaire is published yet"
            : absl::StrCat("no questionnaire is published for ",
                           EnumWord(band)));
  }
  // One per band: the most recently published.
  std::map<int, v1::Questionnaire> per_band;
  for (const v1::Questionnaire& q : published) {
    auto [it, inserted] = per_band.emplace(q.age_band(), q);
    const auto& t = q.update_time();
    const auto& best = it->second.update_time();
    if (!inserted &&
        (t.seconds() > best.seconds() ||
         (t.seconds() == best.seconds() && t.nanos() > best.nanos()))) {
      it->second = q;
    }
  }
  if (per_band.size() == 1) return per_band.begin()->second;
  std::vector<v1::Questionnaire> choices;
  FILE* out = PromptOut();
  std::fprintf(out, "%s\n",
               Say("Kuras klases skolēnam?", "For a pupil in which grades?"));
  for (const auto& [b, q] : per_band) {
    choices.push_back(q);
    std::fprintf(out, "  %zu) %s — %s\n", choices.size(),
                 EnumWord(q.age_band()).c_str(), Text(q.title()).c_str());
  }
  for (;;) {
    std::fprintf(out, "%s ", Say("Numurs:", "Number:"));
    std::fflush(out);
    std::string line;
    if (!ReadLine(&line)) {
      return absl::InvalidArgumentError("no age band chosen (give --age_band)");
    }
    int n = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n) && n >= 1 &&
        n <= static_cast<int>(choices.size())) {
      return choices[n - 1];
    }
  }
}

// --answers=q1:often,q2:no → answers; false (with *error) if malformed.
bool ParseAnswers(absl::string_view text, v1::EvaluateSelfCheckRequest* r,
                  std::string* error) {
  for (absl::string_view part :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> qo =
        absl::StrSplit(part, absl::MaxSplits(':', 1));
    const absl::string_view question = absl::StripAsciiWhitespace(qo.first);
    const absl::string_view option = absl::StripAsciiWhitespace(qo.second);
    if (question.empty() || option.empty()) {
      *error = absl::StrCat("--answers: \"", part, "\" is not QUESTION:OPTION");
      return false;
    }
    v1::SelfCheckAnswer* a = r->add_answers();
    a->set_question(std::string(question));
    a->set_option(std::string(option));
  }
  return true;
}

// Asks every question; stops at the end of input (the rest count as
// unanswered). An empty line skips a question.
void AskQuestions(const v1::Questionnaire& q, v1::EvaluateSelfCheckRequest* r) {
  FILE* out = PromptOut();
  std::fprintf(out, "%s\n", Text(q.title()).c_str());
  if (const std::string intro = Text(q.introduction()); !intro.empty()) {
    std::fprintf(out, "%s\n", intro.c_str());
  }
  std::fprintf(out, "%s\n",
               Say("Atbildes netiek saglabātas. Ievadiet atbildes numuru "
                   "(tukša rinda: izlaist).",
                   "Your answers are not stored. Type the number of an "
                   "answer (empty line: skip)."));
  const int total = q.questions_size();
  for (int i = 0; i < total; ++i) {
    const v1::Question& question = q.questions(i);
    std::fprintf(out, "\n%d/%d. %s\n", i + 1, total,
                 Text(question.text()).c_str());
    for (int k = 0; k < question.options_size(); ++k) {
      std::fprintf(out, "  %d) %s\n", k + 1,
                   Text(question.options(k).text()).c_str());
    }
    for (;;) {
      std::fprintf(out, "> ");
      std::fflush(out);
      std::string line;
      if (!ReadLine(&line)) {
        std::fprintf(out, "\n%s\n",
                     Say("(ievades beigas: pārējie jautājumi bez atbildes)",
                         "(end of input: the remaining questions are "
                         "unanswered)"));
        return;
      }
      const absl::string_view a = absl::StripAsciiWhitespace(line);
      if (a.empty()) break;
      int n = 0;
      const v1::AnswerOption* chosen = nullptr;
      if (absl::SimpleAtoi(a, &n) && n >= 1 && n <= question.options_size()) {
        chosen = &question.options(n - 1);
      } else {
        for (const v1::AnswerOption& o : question.options()) {
          if (o.id() == a) chosen = &o;
        }
      }
      if (chosen == nullptr) {
        std::fprintf(out, "%s 1–%d\n", Say("Ievadiet numuru", "Type a number"),
                     question.options_size());
        continue;
      }
      v1::SelfCheckAnswer* answer = r->add_answers();
      answer->set_question(question.id());
      answer->set_option(chosen->id());
      break;
    }
  }
}

// "4 points (threshold 2)".
std::string Points(const v1::AreaResult& area) {
  return English() ? absl::StrCat(area.points(), " points (threshold ",
                                  area.threshold(), ")")
                   : absl::StrCat(area.points(), " punkti (slieksnis ",
                                  area.threshold(), ")");
}

void PrintResult(const v1::SelfCheckResult& result) {
  std::printf("\n%s (%s, %s %d)\n",
              Say("Pašpārbaudes rezultāts", "Self-check result"),
              result.questionnaire().c_str(), Say("versija", "revision"),
              result.revision());
  bool any = false;
  for (const v1::AreaResult& area : result.areas()) {
    if (!area.shows_signs()) continue;
    if (!any) {
      std::printf("\n%s\n",
                  Say("Jomas, kurās ir pazīmes:", "Areas that show signs:"));
      any = true;
    }
    std::printf("\n* %s: %s\n", AreaLabel(area.area()).c_str(),
                Points(area).c_str());
    if (!area.triggered().empty()) {
      std::printf("  %s\n", Say("Kāpēc:", "Why:"));
      for (const v1::TriggeredAnswer& t : area.triggered()) {
        std::printf("    - %s — \"%s\" (+%d)\n", t.question_text().c_str(),
                    t.answer_text().c_str(), t.points());
        if (!t.explanation().empty()) {
          std::printf("      %s\n", t.explanation().c_str());
        }
      }
    }
    if (!area.guides().empty()) {
      std::printf("  %s\n", Say("Ko izlasīt:", "Guides to read:"));
      for (int i = 0; i < area.guides_size(); ++i) {
        const std::string title =
            i < area.guide_titles_size() ? area.guide_titles(i) : "";
        std::printf("    - %s%s%s\n", title.c_str(), title.empty() ? "" : " ",
                    title.empty()
                        ? area.guides(i).c_str()
                        : absl::StrCat("(", area.guides(i), ")").c_str());
      }
    }
    if (!area.advice().empty()) {
      std::printf("  %s %s\n", Say("Ko darīt:", "What to do:"),
                  area.advice().c_str());
    }
  }
  if (!any) {
    std::printf("\n%s\n",
                Say("Nevienā jomā pazīmju nav.", "No area shows signs."));
  }
  bool header = false;
  for (const v1::AreaResult& area : result.areas()) {
    if (area.shows_signs()) continue;
    if (!header) {
      std::printf("\n%s\n", Say("Jomas bez pazīmēm:", "Areas without signs:"));
      header = true;
    }
    std::printf("  %s: %s\n", AreaLabel(area.area()).c_str(),
                Points(area).c_str());
  }
  if (!result.how_to_ask_for_support().empty()) {
    std::printf(
        "\n%s\n%s\n",
        Say("Kā lūgt skolai atbalstu:", "How to ask the school for support:"),
        result.how_to_ask_for_support().c_str());
  }
  std::fflush(stdout);
}

// The semester today is in: September to December is term 1 of the school
// year starting that year, January to August term 2 of the one before.
std::string ThisSemester() {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
  return today.month() >= 9 ? absl::StrCat(today.year(), "-1")
                            : absl::StrCat(today.year() - 1, "-2");
}

int SendApplication(const Client& client, v1::ApplyFromSelfCheckRequest& r) {
  absl::StatusOr<v1::Application> a = client.ApplyFromSelfCheck(r);
  if (!a.ok()) return Fail(a.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*a);
  std::printf("\n%s\n", Say("Iesniegums nosūtīts skolai:",
                            "The application was sent to the school:"));
  std::vector<std::string> shared;
  for (int area : a->shared_areas()) {
    shared.push_back(EnumWord(static_cast<v1::RiskGroup>(area)));
  }
  PrintFields({{"name", a->name()},
               {"pupil", a->pupil()},
               {"semester", SemesterText(a->semester())},
               {"channel", EnumWord(a->channel())},
               {"applicant", a->applicant()},
               {"state", EnumWord(a->state())},
               {"institution", a->institution()},
               {"shared_areas", absl::StrJoin(shared, ",")},
               {"applicant_note", a->applicant_note()},
               {"create_time", TimeText(a->create_time())}});
  return 0;
}

// --apply: straight from the flags.
int ApplyFromFlags(const Client& client) {
  v1::ApplyFromSelfCheckRequest r;
  r.set_pupil(FullName("pupils", absl::GetFlag(FLAGS_pupil)));
  const std::string semester =
      FlagGiven("semester") ? absl::GetFlag(FLAGS_semester) : ThisSemester();
  if (!ParseSemester(semester, r.mutable_semester())) {
    return Usage("--semester must be YEAR-TERM, e.g. 2026-1");
  }
  for (absl::string_view word : absl::StrSplit(absl::GetFlag(FLAGS_share), ',',
                                               absl::SkipWhitespace())) {
    v1::RiskGroup area;
    if (!ParseEnumWord(absl::StripAsciiWhitespace(word), &area)) {
      return Usage(absl::StrCat(
          "--share: unknown area ", word,
          " (learning_and_school, social_and_health, economic, family)"));
    }
    r.add_shared_areas(area);
  }
  r.set_note(absl::GetFlag(FLAGS_note));
  r.set_request_id(absl::GetFlag(FLAGS_request_id));
  return SendApplication(client, r);
}

// After the result: a signed-in guardian or adult pupil may ask for an
// individual support plan. Returns the exit code (0 also when they do not
// want to or are not signed in).
int OfferApplication(const Client& client, const v1::SelfCheckResult& result) {
  absl::StatusOr<v1::Account> me = client.WhoAmI();
  if (!me.ok()) {
    // Not signed in (or the server cannot tell): nothing more to offer
    // here but how to.
    if (me.status().code() != absl::StatusCode::kUnauthenticated) return 0;
    std::fprintf(
        PromptOut(), "\n%s\n",
        Say("Lai pieteiktos individuālajam atbalsta plānam tiešsaistē, "
            "pierakstieties (pumpurs login) un izpildiet pārbaudi "
            "vēlreiz.",
            "To apply online for an individual support plan, sign in "
            "(pumpurs login) and take the self-check again."));
    return 0;
  }
  std::vector<std::string> pupils;
  for (const v1::RoleBinding& b : me->role_bindings()) {
    if (b.role() == v1::ROLE_GUARDIAN && !b.scope().empty()) {
      v1::GetGuardianRequest g;
      g.set_name(b.scope());
      absl::StatusOr<v1::Guardian> guardian = client.GetGuardian(g);
      if (!guardian.ok()) continue;
      for (const std::string& p : guardian->pupils()) pupils.push_back(p);
    } else if (b.role() == v1::ROLE_ADULT_PUPIL && !b.scope().empty()) {
      pupils.push_back(b.scope());
    }
  }
  if (FlagGiven("pupil")) {
    pupils = {FullName("pupils", absl::GetFlag(FLAGS_pupil))};
  }
  if (pupils.empty()) return 0;  // not a parent or adult pupil
  if (!AskYesNo(Say("\nVai vēlaties lūgt skolai individuālo atbalsta plānu?",
                    "\nDo you want to ask the school for an individual "
                    "support plan?"))) {
    return 0;
  }
  FILE* out = PromptOut();
  v1::ApplyFromSelfCheckRequest r;
  if (pupils.size() == 1) {
    r.set_pupil(pupils[0]);
  } else {
    std::fprintf(out, "%s\n", Say("Kuram bērnam?", "For which child?"));
    for (size_t i = 0; i < pupils.size(); ++i) {
      v1::GetPupilRequest get;
      get.set_name(pupils[i]);
      absl::StatusOr<v1::Pupil> p = client.GetPupil(get);
      std::fprintf(
          out, "  %zu) %s%s\n", i + 1, pupils[i].c_str(),
          p.ok() ? absl::StrCat(" — ", p->given_name(), " ", p->family_name())
                       .c_str()
                 : "");
    }
    for (;;) {
      std::fprintf(out, "%s ", Say("Numurs:", "Number:"));
      std::fflush(out);
      std::string line;
      if (!ReadLine(&line)) return 0;
      int n = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n) && n >= 1 &&
          n <= static_cast<int>(pupils.size())) {
        r.set_pupil(pupils[n - 1]);
        break;
      }
    }
  }
  const std::string semester =
      FlagGiven("semester") ? absl::GetFlag(FLAGS_semester) : ThisSemester();
  if (!ParseSemester(semester, r.mutable_semester())) {
    return Usage("--semester must be YEAR-TERM, e.g. 2026-1");
  }
  std::fprintf(out, "%s\n",
               Say("Skola redzēs tikai to, ko izvēlaties kopīgot; atbildes "
                   "netiek nosūtītas.",
                   "The school sees only what you choose to share; your "
                   "answers are not sent."));
  std::vector<std::string> shared;
  for (const v1::AreaResult& area : result.areas()) {
    if (!area.shows_signs()) continue;
    if (AskYesNo(absl::StrCat(Say("Kopīgot jomu", "Share the area"), " «",
                              AreaTitle(area.area()), "»?"))) {
      r.add_shared_areas(area.area());
      shared.push_back(AreaTitle(area.area()));
    }
  }
  std::fprintf(out, "%s ",
               Say("Piezīme skolai (neobligāta, Enter – bez piezīmes):",
                   "A note for the school (optional, Enter for none):"));
  std::fflush(out);
  std::string note;
  if (ReadLine(&note)) {
    r.set_note(std::string(absl::StripAsciiWhitespace(note)));
  }
  const std::string summary = absl::StrCat(
      Say("Nosūtīt iesniegumu: ", "Send an application: "), r.pupil(), ", ",
      semester, "; ", Say("kopīgotās jomas: ", "shared areas: "),
      shared.empty() ? Say("nav", "none") : absl::StrJoin(shared, ", "), "; ",
      Say("piezīme: ", "note: "),
      r.note().empty() ? Say("nav", "none") : Say("ir", "yes"), ".");
  if (!AskYesNo(summary)) return 0;
  r.set_request_id(absl::GetFlag(FLAGS_request_id));
  return SendApplication(client, r);
}

int Take(const Client& client, const Args& args) {
  if (args.size() > 2) return Usage("selfcheck take takes at most one NAME");
  if (const std::string l = absl::AsciiStrToLower(absl::GetFlag(FLAGS_locale));
      !l.empty() && l != "lv" && l != "en") {
    return Usage("--locale must be lv or en");
  }
  v1::AgeBand band;
  if (!ParseAgeBandFlag(&band)) return Usage(kBadBand);
  const bool apply = absl::GetFlag(FLAGS_apply);
  if (apply && !FlagGiven("pupil")) {
    return Usage("selfcheck take --apply needs --pupil");
  }
  if (!apply && (FlagGiven("share") || FlagGiven("note"))) {
    return Usage("--share and --note go with --apply");
  }
  v1::EvaluateSelfCheckRequest request;
  request.set_locale(English() ? "en" : "lv");
  const std::string answers = absl::GetFlag(FLAGS_answers);
  if (!answers.empty()) {
    std::string error;
    if (!ParseAnswers(answers, &request, &error)) return Usage(error);
    if (args.size() == 2) {
      request.set_questionnaire(QuestionnaireName(args[1]));
    } else if (band != v1::AGE_BAND_UNSPECIFIED) {
      request.set_age_band(band);
    } else {
      return Usage("selfcheck take --answers needs NAME or --age_band");
    }
  } else {
    absl::StatusOr<v1::Questionnaire> q =
        ChooseQuestionnaire(client, args, band);
    if (!q.ok()) return Fail(q.status());
    AskQuestions(*q, &request);
    request.set_questionnaire(q->name());
  }
  absl::StatusOr<v1::SelfCheckResult> result =
      client.EvaluateSelfCheck(request);
  if (!result.ok()) return Fail(result.status());
  if (absl::GetFlag(FLAGS_json)) {
    if (int code = PrintJson(*result); code != 0) return code;
  } else {
    PrintResult(*result);
  }
  if (apply) return ApplyFromFlags(client);
  // Interactive only: never ask when the answers came from --answers.
  if (answers.empty()) return OfferApplication(client, *result);
  return 0;
}

int SelfCheck(const Client& client, const Args& args) {
  if (args.empty()) return Usage("selfcheck: which command?");
  const std::string& verb = args[0];
  if (verb == "questionnaires" || verb == "list") return List(client, args);
  if (verb == "show" || verb == "get") return Show(client, args);
  if (verb == "take") return Take(client, args);
  if (verb == "create") return Create(client, args);
  if (verb == "update") return Update(client, args);
  if (verb == "publish") return Publish(client, args);
  return Usage(absl::StrCat("unknown selfcheck command: ", verb));
}

}  // namespace

Command SelfCheckCommand() { return {"selfcheck", SelfCheck}; }

}  // namespace pumpurs::cli
