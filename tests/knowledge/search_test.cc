#include "server/knowledge/search.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/search_index.h"
#include "tests/knowledge/search_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::knowledge {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr int kPagingArticles = 25;

class SearchTest : public KnowledgeDbTest {
 protected:
  void SetUp() override {
    KnowledgeDbTest::SetUp();
    v1::KnowledgeSeed seed;
    *seed.add_risk_factors() =
        Risk("unjustified-absences", "Neattaisnoti kavējumi", 1);
    *seed.add_risk_factors() =
        Risk("learning-difficulties", "Mācīšanās grūtības", 2);
    *seed.add_risk_factors() = Risk("family-conflict", "Konflikti ģimenē", 3);
    *seed.add_measure_types() =
        Measure("mentoring", "Mentorings", "Mentoring",
                {{"unjustified-absences", v1::STRENGTH_STRONG}});
    *seed.add_measure_types() =
        Measure("psychologist-consultation", "Psihologa konsultācija",
                "Psychologist consultation",
                {{"family-conflict", v1::STRENGTH_STRONG}});

    ArticleSpec absences;
    absences.key = "absences";
    absences.kind = v1::ARTICLE_KIND_RISK_FACTOR;
    absences.audiences = {v1::AUDIENCE_STAFF};
    absences.risks = {"unjustified-absences"};
    absences.lv_title = "Neattaisnoti kavējumi";
    absences.lv_summary =
        "Kā pamanīt un mazināt skolēnu neattaisnotos kavējumus.";
    absences.lv_body =
        "## Pazīmes\n\nKavējumi atkārtojas pirmdienās. **Sazinieties** ar "
        "ģimeni.";
    absences.en_title = "Unjustified absences";
    absences.en_summary =
        "How to notice and reduce pupils' unjustified absences.";
    absences.en_body = "Absences recur on Mondays.";
    *seed.add_articles() = MakeArticle(absences);

    ArticleSpec psychologist;
    psychologist.key = "psychologist";
    psychologist.kind = v1::ARTICLE_KIND_MEASURE;
    psychologist.audiences = {v1::AUDIENCE_PARENTS};
    psychologist.risks = {"family-conflict"};
    psychologist.measures = {"psychologist-consultation"};
    psychologist.lv_title = "Psihologa konsultācija";
    psychologist.lv_summary =
        "Skolas psihologs palīdz bērnam un ģimenei grūtos brīžos.";
    psychologist.lv_body =
        "Konsultācijas ir bez maksas. Psihologam var uzticēties.";
    psychologist.en_title = "Psychologist consultation";
    psychologist.en_summary =
        "The school psychologist helps the child and the family.";
    *seed.add_articles() = MakeArticle(psychologist);

    ArticleSpec teacher;
    teacher.key = "teacher-talk";
    teacher.kind = v1::ARTICLE_KIND_GUIDE;
    teacher.audiences = {v1::AUDIENCE_PUPILS};
    teacher.risks = {"learning-difficulties"};
    teacher.lv_title = "Kā runāt ar skolotāju";
    teacher.lv_summary = "Padomi skolēniem: kā lūgt palīdzību mācībās.";
    teacher.lv_body =
        "Ja esi kavējis stundas vai tev kavējumu dēļ ir grūti, pastāsti "
        "skolotājam.";
    *seed.add_articles() = MakeArticle(teacher);

    ArticleSpec mentoring;
    mentoring.key = "mentoring-method";
    mentoring.kind = v1::ARTICLE_KIND_METHOD;
    mentoring.audiences = {v1::AUDIENCE_STAFF, v1::AUDIENCE_PARENTS};
    mentoring.measures = {"mentoring"};
    mentoring.lv_title = "Mentorings skolā";
    mentoring.lv_summary =
        "Mentors palīdz skolēnam atgriezties mācībās pēc ilgiem kavējumiem.";
    mentoring.lv_body = "Mentors sadarbojas ar psihologu un ģimeni.";
    *seed.add_articles() = MakeArticle(mentoring);

    ArticleSpec elephant;
    elephant.key = "elephant";
    elephant.audiences = {v1::AUDIENCE_PARENTS};
    elephant.lv_title = "Zilonis istabā";
    elephant.lv_summary = "Par to, ko visi redz, bet neviens nesaka.";
    *seed.add_articles() = MakeArticle(elephant);

    for (int i = 0; i < kPagingArticles; ++i) {
      ArticleSpec p;
      p.key = absl::StrCat("sample-", i);
      p.audiences = {v1::AUDIENCE_PARENTS};
      p.lv_title = absl::StrCat("Raksts ", i);
      p.lv_summary = "Paraugs.";
      // Different lengths give different bm25 scores.
      for (int k = 0; k <= i; ++k) p.lv_body += "vārds ";
      *seed.add_articles() = MakeArticle(p);
    }
    Load(seed);

    // A draft that is never published.
    ArticleSpec giraffe;
    giraffe.audiences = {v1::AUDIENCE_PARENTS};
    giraffe.lv_title = "Žirafe";
    ASSERT_THAT(InsertSeedArticle(*conn_, MakeArticle(giraffe), "giraffe", "h",
                                  absl::Now()),
                IsOk());

    staff_.account_id = "staff-account";
    staff_.roles.push_back({Role::kPlanPreparer, "inst"});
  }

  absl::StatusOr<v1::SearchArticlesResponse> Search(
      const v1::SearchArticlesRequest& request, bool signed_in = true) {
    return SearchArticles(*conn_, signed_in ? staff_ : anonymous_, request);
  }
  v1::SearchArticlesResponse MustSearch(const std::string& query,
                                        bool signed_in = true) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    auto response = Search(request, signed_in);
    EXPECT_THAT(response, IsOk()) << query;
    return response.ok() ? *response : v1::SearchArticlesResponse();
  }
  // The seed keys of the hits, best first.
  std::vector<std::string> Keys(const v1::SearchArticlesResponse& response) {
    std::vector<std::string> keys;
    for (const v1::SearchResult& r : response.results()) {
      keys.push_back(KeyOf(r.article()));
    }
    return keys;
  }
  std::vector<std::string> Keys(const std::string& query,
                                bool signed_in = true) {
    return Keys(MustSearch(query, signed_in));
  }
  std::string KeyOf(const std::string& name) {
    auto s = conn_->Prepare("SELECT seed_key FROM kb_articles WHERE id = ?");
    EXPECT_THAT(s, IsOk());
    s->Bind(1, name.substr(name.find('/') + 1));
    auto row = s->Step();
    return row.ok() && *row ? s->ColumnText(0) : "?";
  }

  Principal staff_;
  Principal anonymous_;
};

TEST_F(SearchTest, NamedQueriesFindTheirArticleFirst) {
  EXPECT_THAT(Keys("kavējumi"),
              ElementsAre("absences", "mentoring-method", "teacher-talk"));
  EXPECT_EQ(Keys("psihologs").front(), "psychologist");
  EXPECT_THAT(Keys("mentorings"), ElementsAre("mentoring-method"));
  EXPECT_THAT(Keys("zilonis"), ElementsAre("elephant"));
}

TEST_F(SearchTest, DiacriticsAndCaseDoNotMatter) {
  const std::vector<std::string> expected = Keys("kavējumi");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(Keys("kavejumi"), expected);
  EXPECT_EQ(Keys("KAVĒJUMI"), expected);
  EXPECT_EQ(Keys("Kavejumi"), expected);
  EXPECT_EQ(Keys("PSIHOLOGA KONSULTĀCIJA"), Keys("psihologa konsultacija"));
}

TEST_F(SearchTest, InflectedFormsMeet) {
  for (const char* q : {"kavējums", "kavējumu", "kavējumiem", "kavējumos"}) {
    EXPECT_EQ(Keys(q).front(), "absences") << q;
  }
  for (const char* q : {"psihologam", "psihologi", "psihologiem"}) {
    EXPECT_EQ(Keys(q).front(), "psychologist") << q;
  }
  // Different case endings of the same noun in the query and in the text.
  EXPECT_THAT(Keys("ģimenes psihologs"),
              ElementsAre("psychologist", "mentoring-method"));
}

TEST_F(SearchTest, WordPrefixesMatch) {
  EXPECT_EQ(Keys("kavēj").front(), "absences");
  EXPECT_EQ(Keys("psihol").front(), "psychologist");
  EXPECT_THAT(Keys("zilo"), ElementsAre("elephant"));
  EXPECT_THAT(Keys("mentorin"), ElementsAre("mentoring-method"));
}

TEST_F(SearchTest, AllWordsMustMatch) {
  EXPECT_THAT(Keys("psihologs konsultācija"), ElementsAre("psychologist"));
  EXPECT_THAT(Keys("zilonis psihologs"), IsEmpty());
  EXPECT_THAT(Keys("nekas tāds"), IsEmpty());
}

TEST_F(SearchTest, EnglishTextsAreSearchedInEnglish) {
  v1::SearchArticlesResponse r = MustSearch("absence");
  ASSERT_THAT(Keys(r), ElementsAre("absences"));
  EXPECT_EQ(r.results(0).locale(), "en");
  EXPECT_EQ(r.results(0).title(), "Unjustified absences");
  EXPECT_THAT(r.results(0).snippet(), HasSubstr("[absences]"));

  v1::SearchArticlesRequest request;
  request.set_query("kavējumi");
  request.set_locale("en");
  auto en = Search(request);
  ASSERT_THAT(en, IsOk());
  EXPECT_THAT(en->results(), IsEmpty());
  request.set_query("Psychologists");
  en = Search(request);
  ASSERT_THAT(en, IsOk());
  ASSERT_THAT(Keys(*en), ElementsAre("psychologist"));
  request.set_locale("lv");
  auto lv = Search(request);
  ASSERT_THAT(lv, IsOk());
  EXPECT_THAT(lv->results(), IsEmpty());
}

TEST_F(SearchTest, ResultsCarryTitleSnippetKindAndScore) {
  v1::SearchArticlesResponse r = MustSearch("kavejumi");
  ASSERT_EQ(r.results_size(), 3);
  const v1::SearchResult& first = r.results(0);
  EXPECT_EQ(first.article(), "articles/" + Id("absences"));
  EXPECT_EQ(first.locale(), "lv");
  EXPECT_EQ(first.title(), "Neattaisnoti kavējumi");
  EXPECT_EQ(first.kind(), v1::ARTICLE_KIND_RISK_FACTOR);
  EXPECT_EQ(first.snippet(),
            "Kā pamanīt un mazināt skolēnu neattaisnotos [kavējumus].");
  // The teacher article matches only in its body.
  EXPECT_EQ(r.results(2).snippet(),
            "Ja esi kavējis stundas vai tev [kavējumu] dēļ ir grūti, pastāsti "
            "skolotājam.");
  for (int i = 0; i < r.results_size(); ++i) {
    EXPECT_LT(r.results(i).score(), 0) << "bm25 is negative in SQLite";
    if (i > 0) {
      EXPECT_LE(r.results(i - 1).score(), r.results(i).score());
    }
  }
}

TEST_F(SearchTest, Filters) {
  v1::SearchArticlesRequest request;
  request.set_query("kavējumi");
  request.add_kinds(v1::ARTICLE_KIND_GUIDE);
  request.add_kinds(v1::ARTICLE_KIND_METHOD);
  auto r = Search(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Keys(*r), ElementsAre("mentoring-method", "teacher-talk"));

  request.clear_kinds();
  request.set_audience(v1::AUDIENCE_PUPILS);
  r = Search(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Keys(*r), ElementsAre("teacher-talk"));

  request.clear_audience();
  request.set_risk_factor("riskFactors/unjustified-absences");
  r = Search(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Keys(*r), ElementsAre("absences"));

  request.set_risk_factor("riskFactors/no-such-risk");
  r = Search(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->results(), IsEmpty());
}

TEST_F(SearchTest, AnonymousCallersSeeOnlyParentAndPupilArticles) {
  EXPECT_THAT(Keys("kavējumi", /*signed_in=*/false),
              ElementsAre("mentoring-method", "teacher-talk"));
  v1::SearchArticlesRequest request;
  request.set_query("kavējumi");
  request.set_audience(v1::AUDIENCE_STAFF);
  auto r = Search(request, /*signed_in=*/false);
  ASSERT_THAT(r, IsOk());
  // A filter never widens what the caller may read.
  EXPECT_THAT(Keys(*r), ElementsAre("mentoring-method"));
  r = Search(request, /*signed_in=*/true);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Keys(*r), ElementsAre("absences", "mentoring-method"));
}

TEST_F(SearchTest, ArchivedAndDraftArticlesAreNotFound) {
  ASSERT_THAT(Keys("zilonis"), ElementsAre("elephant"));
  CallContext call;
  ASSERT_THAT(ArchiveArticle(*conn_, call, Id("elephant"), ""), IsOk());
  EXPECT_THAT(Keys("zilonis"), IsEmpty());
  EXPECT_THAT(Keys("žirafe"), IsEmpty());
  EXPECT_EQ(*conn_->QueryInt("SELECT count(*) FROM kb_search_docs d JOIN "
                             "kb_articles a ON a.id = d.article_id WHERE "
                             "a.state != 2"),
            0);
}

TEST_F(SearchTest, RepublishingReplacesTheIndexedText) {
  const std::string id = Id("elephant");
  const int64_t docs = *conn_->QueryInt("SELECT count(*) FROM kb_search_docs");
  ArticleSpec changed;
  changed.audiences = {v1::AUDIENCE_PARENTS};
  changed.lv_title = "Degunradzis istabā";
  ASSERT_THAT(
      ReplaceSeedArticle(*conn_, id, MakeArticle(changed), "h2", absl::Now()),
      IsOk());
  ASSERT_THAT(PublishWorkingCopy(*conn_, id, kSeedPublisher, absl::Now(),
                                 /*mark_edited=*/false),
              IsOk());
  EXPECT_THAT(Keys("zilonis"), IsEmpty());
  EXPECT_THAT(Keys("degunradzis"), ElementsAre("elephant"));
  EXPECT_EQ(*conn_->QueryInt("SELECT count(*) FROM kb_search_docs"), docs);
  EXPECT_EQ(*conn_->QueryInt("SELECT count(*) FROM kb_search"), docs);
  EXPECT_EQ(*conn_->QueryInt("SELECT count(*) FROM kb_search_texts"), docs);
  // Reindexing again changes nothing.
  ASSERT_THAT(ReindexArticle(*conn_, id), IsOk());
  EXPECT_THAT(Keys("degunradzis"), ElementsAre("elephant"));
  EXPECT_EQ(*conn_->QueryInt("SELECT count(*) FROM kb_search"), docs);
}

TEST_F(SearchTest, PagesCoverEveryHitOnce) {
  v1::SearchArticlesRequest request;
  request.set_query("paraugs");
  request.set_page_size(10);
  std::vector<std::string> seen;
  std::vector<int> page_sizes;
  double last_score = -1e300;
  while (true) {
    auto r = Search(request);
    ASSERT_THAT(r, IsOk());
    page_sizes.push_back(r->results_size());
    for (const v1::SearchResult& hit : r->results()) {
      seen.push_back(hit.article());
      EXPECT_GE(hit.score(), last_score);
      last_score = hit.score();
    }
    if (r->next_page_token().empty()) break;
    request.set_page_token(r->next_page_token());
  }
  EXPECT_THAT(page_sizes, ElementsAre(10, 10, 5));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(),
            static_cast<size_t>(kPagingArticles));
}

TEST_F(SearchTest, PageTokensAreBoundToTheQuery) {
  v1::SearchArticlesRequest request;
  request.set_query("paraugs");
  request.set_page_size(5);
  auto first = Search(request);
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->next_page_token().empty());

  v1::SearchArticlesRequest other = request;
  other.set_page_token(first->next_page_token());
  other.set_query("vārds");
  EXPECT_THAT(Search(other),
              ViolatesFields(std::vector<std::string>{"page_token"}));
  other = request;
  other.set_page_token(first->next_page_token());
  other.set_audience(v1::AUDIENCE_PARENTS);
  EXPECT_THAT(Search(other), StatusIs(absl::StatusCode::kInvalidArgument));
  other = request;
  other.set_page_token(first->next_page_token());
  EXPECT_THAT(Search(other, /*signed_in=*/false),
              StatusIs(absl::StatusCode::kInvalidArgument));
  other.set_page_token("garbage");
  EXPECT_THAT(Search(other),
              ViolatesFields(std::vector<std::string>{"page_token"}));
  // The same words in other case are the same query.
  other = request;
  other.set_query("PARAUGS");
  other.set_page_token(first->next_page_token());
  EXPECT_THAT(Search(other), IsOk());
}

TEST_F(SearchTest, PageSizeDefaultsAndCaps) {
  v1::SearchArticlesRequest request;
  request.set_query("paraugs");
  auto r = Search(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->results_size(), kSearchDefaultPageSize);
  request.set_page_size(1000);
  r = Search(request);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->results_size(), kPagingArticles);
  EXPECT_TRUE(r->next_page_token().empty());
}

TEST_F(SearchTest, ValidationNamesEveryBadField) {
  v1::SearchArticlesRequest request;
  request.set_locale("de");
  request.add_kinds(v1::ARTICLE_KIND_GUIDE);
  request.add_kinds(static_cast<v1::ArticleKind>(99));
  request.set_audience(static_cast<v1::Audience>(42));
  request.set_risk_factor("absences");
  request.set_page_size(-1);
  EXPECT_THAT(Search(request), ViolatesFields(std::vector<std::string>{
                                   "query", "locale", "kinds[1]", "audience",
                                   "risk_factor", "page_size"}));
  request.Clear();
  request.set_query(std::string(201, 'a'));
  EXPECT_THAT(Search(request),
              ViolatesFields(std::vector<std::string>{"query"}));
  // 200 characters of two bytes each are fine.
  std::string long_query;
  for (int i = 0; i < 200; ++i) long_query += "ā";
  request.set_query(long_query);
  EXPECT_THAT(Search(request), IsOk());
  request.set_query(" ?! -- ");
  EXPECT_THAT(Search(request),
              ViolatesFields(std::vector<std::string>{"query"}));
}

TEST_F(SearchTest, QuerySyntaxIsNotInterpreted) {
  // FTS5 operators and quotes are just separators.
  EXPECT_THAT(Keys("\"zilonis\" OR psihologs"), IsEmpty());
  EXPECT_THAT(Keys("zilonis*"), ElementsAre("elephant"));
  EXPECT_THAT(Keys("NEAR(zilonis) title_lv:zilonis"), IsEmpty());
  EXPECT_THAT(Keys("{zilonis}:"), ElementsAre("elephant"));
}

TEST(MakeSnippetTest, WindowAroundTheFirstMatch) {
  std::string text = "# Virsraksts\n\n";
  for (int i = 0; i < 40; ++i) absl::StrAppend(&text, "vārds", i, " ");
  text += "**Kavējumi** ir _svarīgi_; kavējumus uzskaita. ";
  for (int i = 0; i < 40; ++i) absl::StrAppend(&text, "beigas", i, " ");
  bool matched = false;
  const std::string snippet =
      MakeSnippet(text, Language::kLatvian,
                  {NormalizeWord(Language::kLatvian, "kavējumi")}, &matched);
  EXPECT_TRUE(matched);
  EXPECT_THAT(snippet, HasSubstr("vārds39 [Kavējumi] ir svarīgi; [kavējumus] "
                                 "uzskaita."));
  EXPECT_EQ(snippet.rfind("…vārds", 0), 0u) << snippet;
  EXPECT_THAT(snippet, HasSubstr(" …"));
  EXPECT_THAT(snippet, Not(HasSubstr("*")));
  EXPECT_THAT(snippet, Not(HasSubstr("_")));
}

TEST(MakeSnippetTest, NoMatchGivesTheStart) {
  bool matched = true;
  EXPECT_EQ(MakeSnippet("Īss teksts.", Language::kLatvian, {"zzz"}, &matched),
            "Īss teksts.");
  EXPECT_FALSE(matched);
  EXPECT_EQ(MakeSnippet("", Language::kLatvian, {"zzz"}, &matched), "");
  EXPECT_EQ(MakeSnippet("[a](b) c", Language::kLatvian, {"c"}, &matched),
            "a(b) [c]");
}

}  // namespace
}  // namespace pumpurs::knowledge
