#ifndef PUMPURS_TESTS_KNOWLEDGE_KB_FIXTURE_H_
#define PUMPURS_TESTS_KNOWLEDGE_KB_FIXTURE_H_

// A product-schema database on a temporary file with a small taxonomy
// loaded through the seed loader, and callers of each kind, for the
// taxonomy, article and seed-loader tests. Domain functions run directly on
// the connection (each statement commits on its own) unless a test wraps
// them in a transaction.

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/call_context.h"
#include "server/common/log.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/seed_loader.h"
#include "server/knowledge/taxonomy.h"
#include "server/storage/connection.h"
#include "server/storage/migrations.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::knowledge {

namespace v1 = ::pumpurs::v1;

// Three risk factors in two groups, two measure types.
inline constexpr char kTaxonomySeed[] = R"pb(
  risk_factors {
    name: "riskFactors/unjustified-absences"
    group: RISK_GROUP_LEARNING_AND_SCHOOL
    order: 2
    title { lv: "Neattaisnoti kavējumi" en: "Unjustified absences" }
    warning_signs { lv: "Bieži kavē" en: "Often absent" }
  }
  risk_factors {
    name: "riskFactors/learning-difficulties"
    group: RISK_GROUP_LEARNING_AND_SCHOOL
    order: 1
    title { lv: "Mācīšanās grūtības" en: "Learning difficulties" }
  }
  risk_factors {
    name: "riskFactors/low-income"
    group: RISK_GROUP_ECONOMIC
    order: 1
    title { lv: "Zemi ienākumi" en: "Low income" }
  }
  measure_types {
    name: "measureTypes/psychologist-consultation"
    category: MEASURE_CATEGORY_CONSULTATION
    unit: MEASURE_UNIT_HOURS
    title { lv: "Psihologa konsultācija" en: "Psychologist consultation" }
    providers: STAFF_POSITION_PSYCHOLOGIST
    addresses {
      risk_factor: "riskFactors/unjustified-absences"
      strength: STRENGTH_MODERATE
    }
  }
  measure_types {
    name: "measureTypes/meal-compensation"
    category: MEASURE_CATEGORY_COMPENSATION
    unit: MEASURE_UNIT_EUR
    title { lv: "Ēdināšanas kompensācija" en: "Meal compensation" }
    addresses {
      risk_factor: "riskFactors/low-income"
      strength: STRENGTH_STRONG
    }
  }
)pb";

inline Principal Anonymous() { return Principal{}; }
inline Principal WithRole(Role role, const std::string& account,
                          const std::string& scope = "") {
  Principal p;
  p.account_id = account;
  p.roles.push_back({role, scope});
  return p;
}
inline Principal Methodologist() {
  return WithRole(Role::kMethodologist, "metodikis");
}
inline Principal Guardian() {
  return WithRole(Role::kGuardian, "vecaks", "guardian1");
}
inline Principal Teacher() {
  return WithRole(Role::kPlanPreparer, "pedagogs", "institution1");
}

inline v1::Article Draft(v1::Audience audience, const std::string& lv_title,
                         bool with_latvian = true) {
  v1::Article a;
  a.set_kind(v1::ARTICLE_KIND_GUIDE);
  a.add_audiences(audience);
  a.add_tags("kavējumi");
  a.add_risk_factors("riskFactors/unjustified-absences");
  a.add_measure_types("measureTypes/psychologist-consultation");
  if (with_latvian) {
    v1::ArticleText* lv = a.add_texts();
    lv->set_locale("lv");
    lv->set_title(lv_title);
    lv->set_summary("Īss kopsavilkums.");
    lv->set_body("# Virsraksts\n\nTeksts ar rindām.\n");
  }
  v1::ArticleText* en = a.add_texts();
  en->set_locale("en");
  en->set_title("English " + lv_title);
  en->set_body("Body.");
  return a;
}

class KbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    auto conn = storage::Connection::Open(dir_.File("kb.db"),
                                          storage::Connection::Mode::kReadWrite,
                                          storage::ConnectionOptions{});
    ASSERT_THAT(conn, ::pumpurs::testing::IsOk());
    conn_ = *std::move(conn);
    ASSERT_THAT(storage::Migrate(*conn_, storage::SchemaMigrations()),
                ::pumpurs::testing::IsOk());
    ASSERT_THAT(
        LoadSeed(*conn_, {{"taxonomy.textproto", kTaxonomySeed}}, absl::Now()),
        ::pumpurs::testing::IsOk());
    writer_.caller_id = "accounts/metodikis";
    writer_.principal = Methodologist();
  }
  void TearDown() override {
    conn_.reset();
    SetLoggingEnabled(true);
  }

  // A draft created by the methodologist.
  v1::Article MustCreate(const v1::Article& a) {
    absl::StatusOr<v1::Article> made = CreateArticle(*conn_, writer_, a, "");
    EXPECT_THAT(made, ::pumpurs::testing::IsOk());
    return made.ok() ? *made : v1::Article{};
  }
  std::string IdOf(const v1::Article& a) {
    return a.name().substr(std::string("articles/").size());
  }
  v1::Article MustPublish(const std::string& id) {
    absl::StatusOr<v1::Article> out = PublishArticle(*conn_, writer_, id, "");
    EXPECT_THAT(out, ::pumpurs::testing::IsOk());
    return out.ok() ? *out : v1::Article{};
  }

  ::pumpurs::testing::TempDir dir_;
  std::unique_ptr<storage::Connection> conn_;
  CallContext writer_;
};

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_TESTS_KNOWLEDGE_KB_FIXTURE_H_
