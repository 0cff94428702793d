// pumpurs kb risks | measures [--risk_factor=..] | show NAME [--locale=lv|en]
// pumpurs kb articles [--kind=..] [--audience=..] [--risk_factor=..]
// pumpurs kb create --kind=.. --audience=.. --title=.. [--summary=..]
//                   --body_file=FILE [--locale=lv|en]
// pumpurs kb publish NAME | archive NAME | revisions NAME
// pumpurs kb search | recommend ...: cli/kb_search_commands.cc (RunKbSearch)

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/table.h"

ABSL_FLAG(std::string, risk_factor, "",
          "kb articles, measures, create: the risk factor (riskFactors/CODE "
          "or CODE)");
ABSL_FLAG(std::string, title, "", "kb create: the title");
ABSL_FLAG(std::string, summary, "", "kb create: the one-paragraph summary");
ABSL_FLAG(std::string, body_file, "",
          "kb create: a file with the Markdown body");
// Defined in cli/main.cc.
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, kind);

namespace pumpurs::cli {

// cli/kb_search_commands.cc: "kb search" and "kb recommend"; -1 for other
// verbs.
int RunKbSearch(const pumpurs::client::Client& client,
                const std::vector<std::string>& args);

namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;

int ParseAudience(absl::string_view text);

constexpr char kUsage[] =
    "usage: pumpurs kb risks\n"
    "       pumpurs kb measures [--risk_factor=..]\n"
    "       pumpurs kb show NAME [--locale=lv|en]\n"
    "       pumpurs kb articles [--kind=..] [--audience=..] "
    "[--risk_factor=..]\n"
    "       pumpurs kb create --kind=guide|method|risk-factor|warning-sign|"
    "measure --audience=staff,parents,pupils --title=.. [--summary=..] "
    "--body_file=FILE [--locale=lv|en]\n"
    "       pumpurs kb publish NAME | archive NAME | revisions NAME\n"
    "       pumpurs kb search | recommend ... (pumpurs kb search for usage)";

int Usage(absl::string_view message) {
  std::fprintf(stderr, "pumpurs: %s\n%s\n", std::string(message).c_str(),
               kUsage);
  return 2;
}

std::string Locale() {
  const std::string l = absl::GetFlag(FLAGS_locale);
  return l.empty() ? "lv" : l;
}

std::string Pick(const v1::LocalizedText& t) {
  return Locale() == "en" && !t.en().empty() ? t.en() : t.lv();
}

// 0 for "", -1 for an unknown word, else the kind.
int ParseKind(absl::string_view text) {
  if (text.empty()) return 0;
  v1::ArticleKind kind;
  return ParseEnumWord(text, &kind) ? kind : -1;
}

std::string Audiences(const v1::Article& a) {
  std::vector<std::string> out;
  for (int aud : a.audiences()) {
    out.push_back(EnumWord(static_cast<v1::Audience>(aud), '-'));
  }
  return absl::StrJoin(out, ",");
}

const v1::ArticleText* TextIn(const v1::Article& a, const std::string& locale) {
  for (const v1::ArticleText& t : a.texts()) {
    if (t.locale() == locale) return &t;
  }
  return a.texts().empty() ? nullptr : &a.texts(0);
}

std::string Title(const v1::Article& a) {
  const v1::ArticleText* t = TextIn(a, Locale());
  return t == nullptr ? "" : t->title();
}

int Risks(const Client& client) {
  v1::ListRiskFactorsRequest request;
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListRiskFactorsResponse all;
  absl::Status status =
      client.ForEachRiskFactor(request, [&](const v1::RiskFactor& rf) {
        *all.add_risk_factors() = rf;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "GROUP", "TITLE"});
  for (const v1::RiskFactor& rf : all.risk_factors()) {
    table.AddRow({rf.name(),
                  EnumWord(static_cast<v1::RiskGroup>(rf.group()), '-'),
                  Pick(rf.title())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Measures(const Client& client) {
  v1::ListMeasureTypesRequest request;
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_risk_factor(
      FullName("riskFactors", absl::GetFlag(FLAGS_risk_factor)));
  v1::ListMeasureTypesResponse all;
  absl::Status status =
      client.ForEachMeasureType(request, [&](const v1::MeasureType& mt) {
        *all.add_measure_types() = mt;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "CATEGORY", "UNIT", "TITLE"});
  for (const v1::MeasureType& mt : all.measure_types()) {
    table.AddRow(
        {mt.name(),
         EnumWord(static_cast<v1::MeasureCategory>(mt.category()), '-'),
         EnumWord(static_cast<v1::MeasureUnit>(mt.unit()), '-'),
         Pick(mt.title())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

// NAME may be articles/ID, riskFactors/CODE or measureTypes/CODE (a bare
// ID means an article).
int Show(const Client& client, const std::string& arg) {
  if (absl::StartsWith(arg, "riskFactors/")) {
    absl::StatusOr<v1::RiskFactor> rf = client.GetRiskFactor(arg);
    if (!rf.ok()) return Fail(rf.status());
    if (absl::GetFlag(FLAGS_json)) return PrintJson(*rf);
    std::printf("# %s\n\n%s\n", Pick(rf->title()).c_str(),
                Pick(rf->description()).c_str());
    for (const v1::LocalizedText& sign : rf->warning_signs()) {
      std::printf("- %s\n", Pick(sign).c_str());
    }
    return 0;
  }
  if (absl::StartsWith(arg, "measureTypes/")) {
    absl::StatusOr<v1::MeasureType> mt = client.GetMeasureType(arg);
    if (!mt.ok()) return Fail(mt.status());
    if (absl::GetFlag(FLAGS_json)) return PrintJson(*mt);
    std::printf("# %s\n\n%s\n", Pick(mt->title()).c_str(),
                Pick(mt->description()).c_str());
    for (const v1::AddressedRisk& a : mt->addresses()) {
      std::printf(
          "- %s (%s)\n", a.risk_factor().c_str(),
          EnumWord(static_cast<v1::Strength>(a.strength()), '-').c_str());
    }
    return 0;
  }
  absl::StatusOr<v1::Article> a = client.GetArticle(FullName("articles", arg));
  if (!a.ok()) return Fail(a.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*a);
  const v1::ArticleText* t = TextIn(*a, Locale());
  std::printf("%s  %s  %s\n", a->name().c_str(),
              EnumWord(static_cast<v1::ArticleState>(a->state()), '-').c_str(),
              Audiences(*a).c_str());
  if (t != nullptr) {
    std::printf("\n# %s\n\n", t->title().c_str());
    if (!t->summary().empty()) std::printf("%s\n\n", t->summary().c_str());
    std::printf("%s\n", t->body().c_str());
  }
  return 0;
}

int Articles(const Client& client) {
  v1::ListArticlesRequest request;
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  const int kind = ParseKind(absl::GetFlag(FLAGS_kind));
  if (kind < 0) return Usage("--kind: not an article kind");
  request.set_kind(static_cast<v1::ArticleKind>(kind));
  const int audience = ParseAudience(absl::GetFlag(FLAGS_audience));
  if (audience < 0) return Usage("--audience: staff, parents or pupils");
  request.set_audience(static_cast<v1::Audience>(audience));
  request.set_risk_factor(
      FullName("riskFactors", absl::GetFlag(FLAGS_risk_factor)));
  v1::ListArticlesResponse all;
  absl::Status status =
      client.ForEachArticle(request, [&](const v1::Article& a) {
        *all.add_articles() = a;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "STATE", "KIND", "AUDIENCES", "TITLE"});
  for (const v1::Article& a : all.articles()) {
    table.AddRow({a.name(),
                  EnumWord(static_cast<v1::ArticleState>(a.state()), '-'),
                  EnumWord(static_cast<v1::ArticleKind>(a.kind()), '-'),
                  Audiences(a), Title(a)});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int PrintArticle(const absl::StatusOr<v1::Article>& a) {
  if (!a.ok()) return Fail(a.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*a);
  std::printf("%s  %s  etag %s%s%s\n", a->name().c_str(),
              EnumWord(static_cast<v1::ArticleState>(a->state()), '-').c_str(),
              a->etag().c_str(), a->published_revision().empty() ? "" : "  ",
              a->published_revision().c_str());
  return 0;
}

int Create(const Client& client) {
  v1::CreateArticleRequest request;
  v1::Article* a = request.mutable_article();
  const int kind = ParseKind(absl::GetFlag(FLAGS_kind));
  if (kind <= 0) return Usage("kb create needs --kind");
  a->set_kind(static_cast<v1::ArticleKind>(kind));
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_audience), ',', absl::SkipEmpty())) {
    const int aud = ParseAudience(part);
    if (aud <= 0) return Usage("--audience: staff, parents or pupils");
    a->add_audiences(static_cast<v1::Audience>(aud));
  }
  if (const std::string rf = absl::GetFlag(FLAGS_risk_factor); !rf.empty()) {
    a->add_risk_factors(FullName("riskFactors", rf));
  }
  v1::ArticleText* text = a->add_texts();
  text->set_locale(Locale());
  text->set_title(absl::GetFlag(FLAGS_title));
  text->set_summary(absl::GetFlag(FLAGS_summary));
  const std::string body_file = absl::GetFlag(FLAGS_body_file);
  if (!body_file.empty()) {
    std::ifstream in(body_file, std::ios::binary);
    if (!in) return Usage(absl::StrCat("cannot read --body_file ", body_file));
    std::stringstream body;
    body << in.rdbuf();
    text->set_body(body.str());
  }
  return PrintArticle(client.CreateArticle(request));
}

int Revisions(const Client& client, const std::string& arg) {
  v1::ListArticleRevisionsRequest request;
  request.set_parent(FullName("articles", arg));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListArticleRevisionsResponse all;
  while (true) {
    absl::StatusOr<v1::ListArticleRevisionsResponse> page =
        client.ListArticleRevisions(request);
    if (!page.ok()) return Fail(page.status());
    for (const auto& r : page->revisions()) *all.add_revisions() = r;
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "PUBLISHED", "PUBLISHER", "TITLE"});
  for (const v1::ArticleRevision& r : all.revisions()) {
    table.AddRow({r.name(),
                  google::protobuf::util::TimeUtil::ToString(r.publish_time()),
                  r.publisher(), Title(r.article())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Kb(const Client& client, const std::vector<std::string>& args) {
  if (args.empty()) return Usage("kb: which command?");
  const std::string& verb = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (const std::string l = absl::GetFlag(FLAGS_locale);
      !l.empty() && l != "lv" && l != "en") {
    return Usage("--locale: lv or en");
  }
  if (verb == "risks" || verb == "measures" || verb == "articles" ||
      verb == "create") {
    if (!rest.empty())
      return Usage(absl::StrCat("kb ", verb, " takes flags only"));
    if (verb == "risks") return Risks(client);
    if (verb == "measures") return Measures(client);
    if (verb == "articles") return Articles(client);
    return Create(client);
  }
  if (verb == "show" || verb == "publish" || verb == "archive" ||
      verb == "revisions") {
    if (rest.size() != 1)
      return Usage(absl::StrCat("kb ", verb, " needs one NAME"));
    if (verb == "show") return Show(client, rest[0]);
    if (verb == "revisions") return Revisions(client, rest[0]);
    const std::string name = FullName("articles", rest[0]);
    return PrintArticle(verb == "publish" ? client.PublishArticle(name)
                                          : client.ArchiveArticle(name));
  }
  if (verb == "search" || verb == "recommend") {
    return RunKbSearch(client, args);
  }
  return Usage(absl::StrCat("unknown kb command: ", verb));
}

// 0 for "", -1 for an unknown word, else the audience.
int ParseAudience(absl::string_view text) {
  if (text.empty()) return 0;
  v1::Audience audience;
  return ParseEnumWord(text, &audience) ? audience : -1;
}

}  // namespace

Command KbCommand() { return {"kb", Kb}; }

}  // namespace pumpurs::cli
