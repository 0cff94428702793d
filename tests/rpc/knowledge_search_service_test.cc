// KnowledgeBaseService.SearchArticles and RecommendMeasures over a real
// in-process server (which loads the release's seed content at start): no
// token needed, an invalid token refused, staff articles only for
// signed-in callers, articles published through the API searchable at once
// and gone once archived.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/knowledge_base.grpc.pb.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;

class KnowledgeSearchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_ = v1::KnowledgeBaseService::NewStub(server_.channel());
  }

  absl::StatusOr<v1::SearchArticlesResponse> Search(const std::string& query) {
    grpc::ClientContext ctx;
    v1::SearchArticlesRequest req;
    req.set_query(query);
    req.set_page_size(100);
    v1::SearchArticlesResponse resp;
    grpc::Status s = kb_->SearchArticles(&ctx, req, &resp);
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                          s.error_message());
    }
    return resp;
  }

  // Creates and publishes a staff-only guide as the methodologist; leaves
  // the channel without a token.
  v1::Article PublishStaffGuide(const std::string& title) {
    server_.UseToken(server_.TokenFor({{Role::kMethodologist, ""}}));
    v1::CreateArticleRequest create;
    v1::Article* a = create.mutable_article();
    a->set_kind(v1::ARTICLE_KIND_GUIDE);
    a->add_audiences(v1::AUDIENCE_STAFF);
    v1::ArticleText* lv = a->add_texts();
    lv->set_locale("lv");
    lv->set_title(title);
    v1::Article created;
    {
      grpc::ClientContext ctx;
      EXPECT_THAT(kb_->CreateArticle(&ctx, create, &created), IsOk());
    }
    v1::PublishArticleRequest publish;
    publish.set_name(created.name());
    v1::Article published;
    {
      grpc::ClientContext ctx;
      EXPECT_THAT(kb_->PublishArticle(&ctx, publish, &published), IsOk());
    }
    server_.UseToken("");
    return published;
  }

  TestServer server_;
  std::unique_ptr<v1::KnowledgeBaseService::Stub> kb_;
};

TEST_F(KnowledgeSearchServiceTest, SearchesTheSeedWithoutAToken) {
  auto r = Search("kavējumi");
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->results().empty());
  EXPECT_THAT(r->results(0).snippet(), ::testing::HasSubstr("["));
  EXPECT_EQ(r->results(0).locale(), "lv");
}

TEST_F(KnowledgeSearchServiceTest, InvalidTokenIsRefused) {
  server_.UseToken("not-a-token");
  EXPECT_THAT(Search("kavējumi"), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(KnowledgeSearchServiceTest, InvalidQueryIsInvalidArgument) {
  EXPECT_THAT(Search(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(KnowledgeSearchServiceTest, PublishedStaffArticleForSignedInOnly) {
  const v1::Article a = PublishStaffGuide("Degunradžu vērošana");
  auto anonymous = Search("degunradzu");
  ASSERT_THAT(anonymous, IsOk());
  EXPECT_TRUE(anonymous->results().empty());

  server_.UseToken(server_.TokenFor({{Role::kPlanPreparer, "x"}}));
  auto signed_in = Search("degunradži");
  ASSERT_THAT(signed_in, IsOk());
  ASSERT_EQ(signed_in->results_size(), 1);
  EXPECT_EQ(signed_in->results(0).article(), a.name());
  EXPECT_EQ(signed_in->results(0).title(), "Degunradžu vērošana");

  server_.UseToken(server_.TokenFor({{Role::kMethodologist, ""}}));
  {
    grpc::ClientContext ctx;
    v1::ArchiveArticleRequest req;
    req.set_name(a.name());
    v1::Article archived;
    ASSERT_THAT(kb_->ArchiveArticle(&ctx, req, &archived), IsOk());
  }
  auto after = Search("degunradži");
  ASSERT_THAT(after, IsOk());
  EXPECT_TRUE(after->results().empty());
}

TEST_F(KnowledgeSearchServiceTest, RecommendsWithoutAToken) {
  grpc::ClientContext ctx;
  v1::RecommendMeasuresRequest req;
  v1::AssessedRisk* risk = req.add_risks();
  risk->set_risk_factor("riskFactors/unjustified-absences");
  risk->set_severity(v1::SEVERITY_HIGH);
  v1::RecommendMeasuresResponse resp;
  ASSERT_THAT(kb_->RecommendMeasures(&ctx, req, &resp), IsOk());
  ASSERT_FALSE(resp.recommendations().empty());
  EXPECT_EQ(resp.recommendations(0).rank(), 1);
  EXPECT_GT(resp.recommendations(0).total_points(), 0);

  grpc::ClientContext bad_ctx;
  req.mutable_risks(0)->set_risk_factor("riskFactors/no-such-risk");
  grpc::Status s = kb_->RecommendMeasures(&bad_ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace pumpurs
