#include "server/knowledge/articles.h"

#include "tests/knowledge/kb_fixture.h"

namespace pumpurs::knowledge {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class ArticlesTest : public KbTest {
 protected:
  std::vector<std::string> Listed(const Principal& p, ArticleQuery q = {}) {
    absl::StatusOr<Page<v1::Article>> page = ListArticles(*conn_, p, q);
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> titles;
    if (page.ok()) {
      for (const auto& a : page->items) titles.push_back(a.texts(0).title());
    }
    return titles;
  }
};

TEST_F(ArticlesTest, CreateMakesADraft) {
  v1::Article a = MustCreate(Draft(v1::AUDIENCE_PARENTS, "Kavējumi"));
  EXPECT_EQ(a.state(), v1::ARTICLE_STATE_DRAFT);
  EXPECT_THAT(a.name(), ::testing::StartsWith("articles/"));
  EXPECT_FALSE(a.etag().empty());
  EXPECT_THAT(a.published_revision(), IsEmpty());
  EXPECT_THAT(a.seed_key(), IsEmpty());
  EXPECT_EQ(a.texts(0).title(), "Kavējumi");
}

TEST_F(ArticlesTest, CreateWithRequestIdReturnsTheFirstResult) {
  absl::StatusOr<v1::Article> first = CreateArticle(
      *conn_, writer_, Draft(v1::AUDIENCE_STAFF, "Viens"), "req-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Article> again = CreateArticle(
      *conn_, writer_, Draft(v1::AUDIENCE_STAFF, "Otrs"), "req-1");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->name(), first->name());
  EXPECT_EQ(again->texts(0).title(), "Viens");
}

TEST_F(ArticlesTest, ValidationNamesEveryBadField) {
  v1::Article a;
  a.add_audiences(v1::AUDIENCE_UNSPECIFIED);
  a.add_tags("Lielie");
  a.add_tags(std::string(41, 'a'));
  a.add_risk_factors("riskFactors/no-such-risk");
  a.add_risk_factors("nonsense");
  a.add_measure_types("measureTypes/no-such-measure");
  v1::ArticleText* t1 = a.add_texts();
  t1->set_locale("de");
  t1->set_title("");
  t1->set_summary(std::string(1001, 'x'));
  v1::ArticleText* t2 = a.add_texts();
  t2->set_locale("lv");
  t2->set_title(std::string(201, 'x'));
  t2->set_body(std::string(100001, 'x'));
  v1::ArticleText* t3 = a.add_texts();
  t3->set_locale("lv");
  t3->set_title("ok");
  absl::StatusOr<v1::Article> made = CreateArticle(*conn_, writer_, a, "");
  EXPECT_THAT(made, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(made,
              ViolatesFields(std::vector<std::string>{
                  "article.kind", "article.audiences[0]", "article.tags[0]",
                  "article.tags[1]", "article.risk_factors[0]",
                  "article.risk_factors[1]", "article.measure_types[0]",
                  "article.texts[0].locale", "article.texts[0].title",
                  "article.texts[0].summary", "article.texts[1].title",
                  "article.texts[1].body", "article.texts[2].locale"}));
  // Nothing stored.
  EXPECT_THAT(Listed(Methodologist()), IsEmpty());
  v1::Article none;
  none.set_kind(v1::ARTICLE_KIND_METHOD);
  EXPECT_THAT(CreateArticle(*conn_, writer_, none, ""),
              ViolatesFields(std::vector<std::string>{"article.audiences"}));
}

TEST_F(ArticlesTest, Lifecycle) {
  v1::Article a = MustCreate(Draft(v1::AUDIENCE_PARENTS, "Pirmā"));
  const std::string id = IdOf(a);
  // Stale etag.
  EXPECT_THAT(PublishArticle(*conn_, writer_, id, "\"99\""),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<v1::Article> published =
      PublishArticle(*conn_, writer_, id, a.etag());
  ASSERT_THAT(published, IsOk());
  EXPECT_EQ(published->state(), v1::ARTICLE_STATE_PUBLISHED);
  EXPECT_EQ(published->published_revision(), a.name() + "/revisions/1");
  EXPECT_NE(published->etag(), a.etag());

  // Editing the working copy leaves readers on revision 1.
  v1::Article change;
  v1::ArticleText* lv = change.add_texts();
  lv->set_locale("lv");
  lv->set_title("Otrā");
  absl::StatusOr<v1::Article> edited =
      UpdateArticle(*conn_, writer_, id, change, {"texts"}, published->etag());
  ASSERT_THAT(edited, IsOk());
  EXPECT_EQ(edited->texts(0).title(), "Otrā");
  EXPECT_EQ(edited->risk_factors_size(), 1);  // untouched field kept
  absl::StatusOr<v1::Article> reader = GetArticle(*conn_, Anonymous(), id);
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(reader->texts(0).title(), "Pirmā");
  absl::StatusOr<v1::Article> writer = GetArticle(*conn_, Methodologist(), id);
  ASSERT_THAT(writer, IsOk());
  EXPECT_EQ(writer->texts(0).title(), "Otrā");

  MustPublish(id);
  reader = GetArticle(*conn_, Anonymous(), id);
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(reader->texts(0).title(), "Otrā");
  EXPECT_EQ(reader->published_revision(), a.name() + "/revisions/2");

  absl::StatusOr<v1::Article> archived =
      ArchiveArticle(*conn_, writer_, id, "");
  ASSERT_THAT(archived, IsOk());
  EXPECT_EQ(archived->state(), v1::ARTICLE_STATE_ARCHIVED);
  EXPECT_THAT(GetArticle(*conn_, Anonymous(), id),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(PublishArticle(*conn_, writer_, id, ""),
              HasReason("ARTICLE_ARCHIVED"));
  EXPECT_THAT(UpdateArticle(*conn_, writer_, id, change, {"texts"}, ""),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Revisions stay.
  EXPECT_THAT(GetArticleRevision(*conn_, Anonymous(), id, 1), IsOk());
}

TEST_F(ArticlesTest, PublishNeedsLatvian) {
  v1::Article a =
      MustCreate(Draft(v1::AUDIENCE_PARENTS, "x", /*with_latvian=*/false));
  EXPECT_THAT(PublishArticle(*conn_, writer_, IdOf(a), ""),
              HasReason("ARTICLE_NEEDS_LATVIAN"));
  EXPECT_THAT(PublishArticle(*conn_, writer_, IdOf(a), ""),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ArticlesTest, RevisionsAreImmutableAndFetchableAfterEdits) {
  v1::Article a = MustCreate(Draft(v1::AUDIENCE_STAFF, "Versija 1"));
  const std::string id = IdOf(a);
  MustPublish(id);
  v1::Article change;
  v1::ArticleText* lv = change.add_texts();
  lv->set_locale("lv");
  lv->set_title("Versija 2");
  ASSERT_THAT(UpdateArticle(*conn_, writer_, id, change, {"texts"}, ""),
              IsOk());
  MustPublish(id);
  ASSERT_THAT(
      UpdateArticle(*conn_, writer_, id,
                    Draft(v1::AUDIENCE_STAFF, "Melnraksts 3"), {"texts"}, ""),
      IsOk());

  absl::StatusOr<v1::ArticleRevision> r1 =
      GetArticleRevision(*conn_, Teacher(), id, 1);
  ASSERT_THAT(r1, IsOk());
  EXPECT_EQ(r1->name(), a.name() + "/revisions/1");
  EXPECT_EQ(r1->article().texts(0).title(), "Versija 1");
  EXPECT_EQ(r1->publisher(), "accounts/metodikis");
  absl::StatusOr<Page<v1::ArticleRevision>> list =
      ListArticleRevisions(*conn_, Teacher(), id, 1, "");
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].article().texts(0).title(), "Versija 2");
  ASSERT_FALSE(list->next_page_token.empty());
  list = ListArticleRevisions(*conn_, Teacher(), id, 1, list->next_page_token);
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].article().texts(0).title(), "Versija 1");
  EXPECT_THAT(list->next_page_token, IsEmpty());
  EXPECT_THAT(GetArticleRevision(*conn_, Teacher(), id, 3),
              StatusIs(absl::StatusCode::kNotFound));

  // The database refuses to change or delete a revision.
  EXPECT_THAT(conn_->Exec("UPDATE kb_article_revisions SET publisher = 'x'"),
              ::testing::Not(IsOk()));
  EXPECT_THAT(conn_->Exec("DELETE FROM kb_article_revisions"),
              ::testing::Not(IsOk()));
  r1 = GetArticleRevision(*conn_, Teacher(), id, 1);
  ASSERT_THAT(r1, IsOk());
  EXPECT_EQ(r1->publisher(), "accounts/metodikis");
}

TEST_F(ArticlesTest, AudienceRules) {
  const std::string parents =
      IdOf(MustCreate(Draft(v1::AUDIENCE_PARENTS, "Vecākiem")));
  const std::string pupils =
      IdOf(MustCreate(Draft(v1::AUDIENCE_PUPILS, "Skolēniem")));
  const std::string staff =
      IdOf(MustCreate(Draft(v1::AUDIENCE_STAFF, "Darbiniekiem")));
  const std::string draft =
      IdOf(MustCreate(Draft(v1::AUDIENCE_PARENTS, "Melnraksts")));
  for (const std::string& id : {parents, pupils, staff}) MustPublish(id);

  // Anonymous: public published articles only; staff needs an account.
  EXPECT_THAT(GetArticle(*conn_, Anonymous(), parents), IsOk());
  EXPECT_THAT(GetArticle(*conn_, Anonymous(), pupils), IsOk());
  EXPECT_THAT(GetArticle(*conn_, Anonymous(), staff),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(GetArticle(*conn_, Anonymous(), draft),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Listed(Anonymous()),
              UnorderedElementsAre("Vecākiem", "Skolēniem"));
  EXPECT_THAT(GetArticleRevision(*conn_, Anonymous(), staff, 1),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(ListArticleRevisions(*conn_, Anonymous(), draft, 0, ""),
              StatusIs(absl::StatusCode::kNotFound));

  // Any signed-in account: staff articles too, never drafts.
  for (const Principal& p : {Guardian(), Teacher()}) {
    EXPECT_THAT(GetArticle(*conn_, p, staff), IsOk());
    EXPECT_THAT(GetArticle(*conn_, p, draft),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(Listed(p),
                UnorderedElementsAre("Vecākiem", "Skolēniem", "Darbiniekiem"));
    ArticleQuery drafts;
    drafts.state = v1::ARTICLE_STATE_DRAFT;
    EXPECT_THAT(Listed(p, drafts), IsEmpty());
  }

  // Methodologists and national administrators: everything.
  for (const Principal& p :
       {Methodologist(), WithRole(Role::kNationalAdministrator, "admin")}) {
    EXPECT_THAT(GetArticle(*conn_, p, draft), IsOk());
    EXPECT_THAT(Listed(p), UnorderedElementsAre("Vecākiem", "Skolēniem",
                                                "Darbiniekiem", "Melnraksts"));
    ArticleQuery drafts;
    drafts.state = v1::ARTICLE_STATE_DRAFT;
    EXPECT_THAT(Listed(p, drafts), ElementsAre("Melnraksts"));
  }
}

TEST_F(ArticlesTest, ListFiltersAndPages) {
  v1::Article other = Draft(v1::AUDIENCE_PARENTS, "Citi");
  other.set_kind(v1::ARTICLE_KIND_METHOD);
  other.clear_risk_factors();
  other.add_risk_factors("riskFactors/low-income");
  const std::string a =
      IdOf(MustCreate(Draft(v1::AUDIENCE_PARENTS, "Pirmais")));
  const std::string b = IdOf(MustCreate(other));
  const std::string c = IdOf(MustCreate(Draft(v1::AUDIENCE_STAFF, "Trešais")));
  for (const std::string& id : {a, b, c}) MustPublish(id);

  ArticleQuery by_kind;
  by_kind.kind = v1::ARTICLE_KIND_METHOD;
  EXPECT_THAT(Listed(Teacher(), by_kind), ElementsAre("Citi"));
  ArticleQuery by_audience;
  by_audience.audience = v1::AUDIENCE_STAFF;
  EXPECT_THAT(Listed(Teacher(), by_audience), ElementsAre("Trešais"));
  ArticleQuery by_risk;
  by_risk.risk_code = "low-income";
  EXPECT_THAT(Listed(Teacher(), by_risk), ElementsAre("Citi"));

  // Newest first, two pages.
  ArticleQuery paged;
  paged.page_size = 2;
  absl::StatusOr<Page<v1::Article>> first =
      ListArticles(*conn_, Teacher(), paged);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].texts(0).title(), "Trešais");
  paged.page_token = first->next_page_token;
  absl::StatusOr<Page<v1::Article>> second =
      ListArticles(*conn_, Teacher(), paged);
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].texts(0).title(), "Pirmais");
  EXPECT_THAT(second->next_page_token, IsEmpty());
}

TEST_F(ArticlesTest, PublishingRecordsLinksOfThePublishedRevision) {
  const std::string id =
      IdOf(MustCreate(Draft(v1::AUDIENCE_PARENTS, "Saites")));
  EXPECT_EQ(*conn_->QueryInt("SELECT COUNT(*) FROM kb_article_risks"), 0);
  MustPublish(id);
  EXPECT_EQ(*conn_->QueryInt("SELECT COUNT(*) FROM kb_article_risks WHERE "
                             "risk_code = 'unjustified-absences'"),
            1);
  EXPECT_EQ(*conn_->QueryInt("SELECT COUNT(*) FROM kb_article_measures WHERE "
                             "measure_code = 'psychologist-consultation'"),
            1);
}

}  // namespace
}  // namespace pumpurs::knowledge
