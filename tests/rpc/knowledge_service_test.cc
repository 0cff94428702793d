// KnowledgeBaseService over a real in-process server (which loads the
// release's seed content at start): public reads without a token, staff
// articles for signed-in accounts, writes for methodologists only.

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

v1::Article Guide(v1::Audience audience, const std::string& title) {
  v1::Article a;
  a.set_kind(v1::ARTICLE_KIND_GUIDE);
  a.add_audiences(audience);
  v1::ArticleText* lv = a.add_texts();
  lv->set_locale("lv");
  lv->set_title(title);
  lv->set_body("Teksts.");
  return a;
}

class KnowledgeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_ = v1::KnowledgeBaseService::NewStub(server_.channel());
    methodologist_ = server_.TokenFor({{Role::kMethodologist, ""}});
    guardian_ = server_.TokenFor({{Role::kGuardian, "g1"}});
  }

  // Created and (optionally) published by the methodologist; leaves the
  // channel without a token.
  v1::Article Make(v1::Audience audience, const std::string& title,
                   bool publish) {
    server_.UseToken(methodologist_);
    grpc::ClientContext create_ctx;
    v1::CreateArticleRequest create;
    *create.mutable_article() = Guide(audience, title);
    v1::Article a;
    EXPECT_THAT(kb_->CreateArticle(&create_ctx, create, &a), IsOk());
    if (publish) {
      grpc::ClientContext ctx;
      v1::PublishArticleRequest req;
      req.set_name(a.name());
      req.set_etag(a.etag());
      EXPECT_THAT(kb_->PublishArticle(&ctx, req, &a), IsOk());
      EXPECT_EQ(a.state(), v1::ARTICLE_STATE_PUBLISHED);
    }
    server_.UseToken("");
    return a;
  }

  grpc::Status Get(const std::string& name, v1::Article* out) {
    grpc::ClientContext ctx;
    v1::GetArticleRequest req;
    req.set_name(name);
    return kb_->GetArticle(&ctx, req, out);
  }

  TestServer server_;
  std::unique_ptr<v1::KnowledgeBaseService::Stub> kb_;
  std::string methodologist_;
  std::string guardian_;
};

TEST_F(KnowledgeServiceTest, TaxonomyIsPublicAndSeeded) {
  grpc::ClientContext ctx;
  v1::ListRiskFactorsRequest req;
  v1::ListRiskFactorsResponse resp;
  ASSERT_THAT(kb_->ListRiskFactors(&ctx, req, &resp), IsOk());
  ASSERT_GT(resp.risk_factors_size(), 0);
  grpc::ClientContext get_ctx;
  v1::GetRiskFactorRequest get;
  get.set_name(resp.risk_factors(0).name());
  v1::RiskFactor rf;
  ASSERT_THAT(kb_->GetRiskFactor(&get_ctx, get, &rf), IsOk());
  EXPECT_EQ(rf.name(), resp.risk_factors(0).name());

  grpc::ClientContext bad_ctx;
  get.set_name("riskFactors/Not A Code");
  EXPECT_THAT(kb_->GetRiskFactor(&bad_ctx, get, &rf),
              StatusIs(absl::StatusCode::kInvalidArgument));

  grpc::ClientContext m_ctx;
  v1::ListMeasureTypesRequest mreq;
  mreq.set_risk_factor(resp.risk_factors(0).name());
  v1::ListMeasureTypesResponse mresp;
  EXPECT_THAT(kb_->ListMeasureTypes(&m_ctx, mreq, &mresp), IsOk());
}

TEST_F(KnowledgeServiceTest, AnInvalidTokenIsRefusedEvenForPublicReads) {
  server_.UseToken("not-a-token");
  grpc::ClientContext ctx;
  v1::ListRiskFactorsResponse resp;
  EXPECT_THAT(kb_->ListRiskFactors(&ctx, {}, &resp),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(KnowledgeServiceTest, AnonymousReadsPublishedParentGuides) {
  v1::Article guide = Make(v1::AUDIENCE_PARENTS, "Vecākiem", true);
  v1::Article out;
  ASSERT_THAT(Get(guide.name(), &out), IsOk());
  EXPECT_EQ(out.texts(0).title(), "Vecākiem");
  grpc::ClientContext ctx;
  v1::GetArticleRevisionRequest req;
  req.set_name(guide.published_revision());
  v1::ArticleRevision rev;
  ASSERT_THAT(kb_->GetArticleRevision(&ctx, req, &rev), IsOk());
  EXPECT_EQ(rev.article().texts(0).title(), "Vecākiem");
}

TEST_F(KnowledgeServiceTest, StaffArticlesNeedAnAccountAndDraftsAreHidden) {
  v1::Article staff = Make(v1::AUDIENCE_STAFF, "Darbiniekiem", true);
  v1::Article draft = Make(v1::AUDIENCE_PARENTS, "Melnraksts", false);
  v1::Article out;
  EXPECT_THAT(Get(staff.name(), &out),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Get(draft.name(), &out), StatusIs(absl::StatusCode::kNotFound));
  server_.UseToken(guardian_);
  EXPECT_THAT(Get(staff.name(), &out), IsOk());
  EXPECT_THAT(Get(draft.name(), &out), StatusIs(absl::StatusCode::kNotFound));
  server_.UseToken(methodologist_);
  EXPECT_THAT(Get(draft.name(), &out), IsOk());
  EXPECT_EQ(out.state(), v1::ARTICLE_STATE_DRAFT);
}

TEST_F(KnowledgeServiceTest, OnlyMethodologistsWrite) {
  grpc::ClientContext anon_ctx;
  v1::CreateArticleRequest req;
  *req.mutable_article() = Guide(v1::AUDIENCE_PARENTS, "x");
  v1::Article out;
  EXPECT_THAT(kb_->CreateArticle(&anon_ctx, req, &out),
              StatusIs(absl::StatusCode::kUnauthenticated));
  server_.UseToken(guardian_);
  grpc::ClientContext ctx;
  EXPECT_THAT(kb_->CreateArticle(&ctx, req, &out),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::Article made = Make(v1::AUDIENCE_PARENTS, "x", false);
  server_.UseToken(guardian_);
  grpc::ClientContext pub_ctx;
  v1::PublishArticleRequest pub;
  pub.set_name(made.name());
  EXPECT_THAT(kb_->PublishArticle(&pub_ctx, pub, &out),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(KnowledgeServiceTest, UpdateUsesMaskAndEtag) {
  v1::Article a = Make(v1::AUDIENCE_PARENTS, "Sākums", false);
  server_.UseToken(methodologist_);
  v1::UpdateArticleRequest req;
  *req.mutable_article() = a;
  req.mutable_article()->mutable_texts(0)->set_title("Beigas");
  req.mutable_update_mask()->add_paths("texts");
  v1::Article out;
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(kb_->UpdateArticle(&ctx, req, &out), IsOk());
    EXPECT_EQ(out.texts(0).title(), "Beigas");
  }
  {
    grpc::ClientContext ctx;  // the old etag is stale now
    EXPECT_THAT(kb_->UpdateArticle(&ctx, req, &out),
                StatusIs(absl::StatusCode::kAborted));
  }
  {
    grpc::ClientContext ctx;
    req.mutable_update_mask()->set_paths(0, "state");
    EXPECT_THAT(kb_->UpdateArticle(&ctx, req, &out),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST_F(KnowledgeServiceTest, MalformedNamesAreInvalid) {
  v1::Article out;
  EXPECT_THAT(Get("articles", &out),
              StatusIs(absl::StatusCode::kInvalidArgument));
  grpc::ClientContext ctx;
  v1::GetArticleRevisionRequest req;
  req.set_name("articles/abc/revisions/zero");
  v1::ArticleRevision rev;
  EXPECT_THAT(kb_->GetArticleRevision(&ctx, req, &rev),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pumpurs
