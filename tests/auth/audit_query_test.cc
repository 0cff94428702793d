// Reading the audit trail: scope per role (defaults, refusals, institution
// filters judged by their municipality), filters, newest-first keyset paging
// with tokens bound to the filters, ListPupilAccess for guardians and adult
// pupils (and the audit of that listing), and the table's immutability.

#include "server/auth/audit_query.h"

#include <sqlite3.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/audit.h"
#include "server/common/log.h"
#include "server/storage/database.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::auth {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Two municipalities: m1 holds schools i1 and i2, m2 holds i3. Pupils p1
// (guardian g1) and p2 (guardian g2) attend i1; p3 (an adult) attends i3.
class AuditQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLoggingEnabled(false);
    storage::DatabaseOptions options;
    options.path = dir_.File("audit.db");
    options.readers = 2;
    absl::StatusOr<std::unique_ptr<storage::Database>> db =
        storage::Database::Open(options);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
    ASSERT_THAT(Exec(R"sql(
      INSERT INTO municipalities VALUES ('m1', 'M1', x'01', '0000001', 1, 0, 0);
      INSERT INTO municipalities VALUES ('m2', 'M2', x'02', '0000002', 1, 0, 0);
      INSERT INTO institutions VALUES
        ('i1', 'I1', x'01', 1, 'm1', '4000000001', 1, 0, 0),
        ('i2', 'I2', x'02', 1, 'm1', '4000000002', 1, 0, 0),
        ('i3', 'I3', x'03', 2, 'm2', '4000000003', 1, 0, 0);
      INSERT INTO pupils (id, institution_id, given_name, family_name,
        sort_key, search_given, search_family, birth_date, grade,
        vocational_course, class_label, version, create_time, update_time)
      VALUES
        ('p1', 'i1', 'A', 'B', x'01', 'a', 'b', '2014-01-01', 5, 0, '5.a', 1, 0, 0),
        ('p2', 'i1', 'C', 'D', x'02', 'c', 'd', '2014-01-01', 5, 0, '5.a', 1, 0, 0),
        ('p3', 'i3', 'E', 'F', x'03', 'e', 'f', '2007-01-01', 0, 1, '1.k', 1, 0, 0);
      INSERT INTO guardians (id, given_name, family_name, sort_key,
        search_given, search_family, version, create_time, update_time)
      VALUES ('g1', 'G', 'H', x'01', 'g', 'h', 1, 0, 0),
             ('g2', 'I', 'J', x'02', 'i', 'j', 1, 0, 0);
      INSERT INTO guardian_pupils VALUES ('g1', 'p1'), ('g2', 'p2');
    )sql"),
                IsOk());
  }
  void TearDown() override {
    db_.reset();
    SetLoggingEnabled(true);
  }

  absl::Status Exec(const std::string& sql) {
    return db_->WriteSync(CallContext{},
                          [&](storage::Connection& c) { return c.Exec(sql); });
  }

  static CallContext As(const std::string& account,
                        std::vector<RoleBinding> roles) {
    CallContext call;
    call.principal.account_id = account;
    call.principal.roles = std::move(roles);
    call.caller_id = call.principal.ActorName();
    return call;
  }

  // Records an event by `actor` about `resource`, in order.
  void Record(const std::string& actor, const std::string& action,
              const std::string& resource, const std::string& institution,
              const std::string& municipality, const std::string& pupil,
              AuditOutcome outcome = AuditOutcome::kAllowed) {
    CallContext call = As(actor, {});
    AuditEvent e;
    e.action = action;
    e.resource = resource;
    e.institution_id = institution;
    e.municipality_id = municipality;
    e.pupil_id = pupil;
    e.outcome = outcome;
    ASSERT_THAT(db_->WriteSync(call,
                               [&](storage::Connection& c) {
                                 return RecordAudit(c, call, e, absl::Now());
                               }),
                IsOk());
  }

  // A small trail: reads of p1, p2, p3, a list of i2 and a refused read.
  void RecordTrail() {
    Record("t1", "pupil.read", "pupils/p1", "i1", "m1", "p1");
    Record("t1", "pupil.read", "pupils/p2", "i1", "m1", "p2");
    Record("t3", "pupil.read", "pupils/p3", "i3", "m2", "p3");
    Record("t2", "pupil.list", "institutions/i2", "i2", "m1", "");
    Record("t3", "pupil.read", "pupils/p1", "i1", "m1", "p1",
           AuditOutcome::kDenied);
    Record("x", "pupil.read", "pupils/zz", "", "", "", AuditOutcome::kDenied);
  }

  absl::StatusOr<AuditPage> List(const CallContext& call,
                                 const AuditFilter& filter, int page_size = 0,
                                 const std::string& token = "") {
    absl::StatusOr<AuditPage> out = absl::UnknownError("not run");
    absl::Status s = db_->ReadSync(call, [&](storage::Connection& c) {
      out = ListAuditEvents(c, call, filter, page_size, token);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return out;
  }
  absl::StatusOr<AuditPage> Access(const CallContext& call,
                                   const std::string& pupil, int page_size = 0,
                                   const std::string& token = "") {
    absl::StatusOr<AuditPage> out = absl::UnknownError("not run");
    absl::Status s = db_->ReadSync(call, [&](storage::Connection& c) {
      out = ListPupilAccess(c, call, pupil, page_size, token);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return out;
  }

  // "action resource" of each event, in the order returned.
  static std::vector<std::string> Summary(const AuditPage& page) {
    std::vector<std::string> out;
    for (const StoredAuditEvent& e : page.events) {
      out.push_back(absl::StrCat(e.actor, " ", e.action, " ", e.resource));
    }
    return out;
  }

  ::pumpurs::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  const CallContext admin_ = As("admin", {{Role::kNationalAdministrator, ""}});
};

TEST_F(AuditQueryTest, NationalAdministratorListsEverythingNewestFirst) {
  RecordTrail();
  absl::StatusOr<AuditPage> page = List(admin_, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page),
              ElementsAre("accounts/x pupil.read pupils/zz",
                          "accounts/t3 pupil.read pupils/p1",
                          "accounts/t2 pupil.list institutions/i2",
                          "accounts/t3 pupil.read pupils/p3",
                          "accounts/t1 pupil.read pupils/p2",
                          "accounts/t1 pupil.read pupils/p1"));
  EXPECT_EQ(page->next_page_token, "");
  const StoredAuditEvent& denied = page->events[1];
  EXPECT_EQ(denied.outcome, AuditOutcome::kDenied);
  EXPECT_EQ(denied.institution_id, "i1");
  EXPECT_EQ(denied.pupil_id, "p1");
  EXPECT_FALSE(denied.id.empty());
  EXPECT_GT(page->events[0].seq, page->events[1].seq);
}

TEST_F(AuditQueryTest, PagesCoverEveryEventOnceAndTokensAreBoundToFilters) {
  RecordTrail();
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<AuditPage> page = List(admin_, {}, 2, token);
    ASSERT_THAT(page, IsOk());
    EXPECT_LE(page->events.size(), 2u);
    for (const auto& e : page->events) seen.push_back(e.id);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 6u);

  absl::StatusOr<AuditPage> first = List(admin_, {}, 2);
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->next_page_token.empty());
  AuditFilter other;
  other.actor = "accounts/t1";
  absl::StatusOr<AuditPage> replay =
      List(admin_, other, 2, first->next_page_token);
  EXPECT_THAT(replay, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(replay, HasReason("INVALID_PAGE_TOKEN"));
  EXPECT_THAT(ViolatedFields(replay.status()), ElementsAre("page_token"));
  EXPECT_THAT(List(admin_, {}, 2, "garbage"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(List(admin_, {}, -1),
              StatusIs(absl::StatusCode::kInvalidArgument));

  // New events do not shift a page already begun (keyset paging).
  Record("t9", "pupil.read", "pupils/p2", "i1", "m1", "p2");
  absl::StatusOr<AuditPage> second =
      List(admin_, {}, 2, first->next_page_token);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(Summary(*second),
              ElementsAre("accounts/t2 pupil.list institutions/i2",
                          "accounts/t3 pupil.read pupils/p3"));
}

TEST_F(AuditQueryTest, FiltersCombine) {
  RecordTrail();
  AuditFilter f;
  f.resource = "pupils/p1";
  absl::StatusOr<AuditPage> page = List(admin_, f);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t3 pupil.read pupils/p1",
                                          "accounts/t1 pupil.read pupils/p1"));
  f.actor = "accounts/t1";
  page = List(admin_, f);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t1 pupil.read pupils/p1"));
  AuditFilter m2;
  m2.municipality_id = "m2";
  page = List(admin_, m2);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t3 pupil.read pupils/p3"));
  AuditFilter i2;
  i2.institution_id = "i2";
  page = List(admin_, i2);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page),
              ElementsAre("accounts/t2 pupil.list institutions/i2"));
}

TEST_F(AuditQueryTest, InstitutionHeadSeesOnlyTheirInstitution) {
  RecordTrail();
  const CallContext head = As("h1", {{Role::kInstitutionHead, "i1"}});
  // No filter: defaults to the head's institution.
  absl::StatusOr<AuditPage> page = List(head, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t3 pupil.read pupils/p1",
                                          "accounts/t1 pupil.read pupils/p2",
                                          "accounts/t1 pupil.read pupils/p1"));
  AuditFilter own;
  own.institution_id = "i1";
  EXPECT_THAT(List(head, own), IsOk());
  AuditFilter sibling;
  sibling.institution_id = "i2";  // same municipality, another school
  EXPECT_THAT(List(head, sibling),
              StatusIs(absl::StatusCode::kPermissionDenied));
  AuditFilter municipality;
  municipality.municipality_id = "m1";
  EXPECT_THAT(List(head, municipality),
              StatusIs(absl::StatusCode::kPermissionDenied));
  AuditFilter missing;
  missing.institution_id = "nope";
  EXPECT_THAT(List(head, missing),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(AuditQueryTest, CallerOfSeveralScopesMustNameOne) {
  RecordTrail();
  const CallContext both = As("c", {{Role::kInstitutionCoordinator, "i1"},
                                    {Role::kInstitutionHead, "i3"}});
  absl::StatusOr<AuditPage> page = List(both, {});
  EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("institution"));
  // Two roles in one institution are one scope.
  const CallContext twice = As("d", {{Role::kInstitutionCoordinator, "i3"},
                                     {Role::kInstitutionHead, "i3"}});
  page = List(twice, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t3 pupil.read pupils/p3"));
  AuditFilter i3;
  i3.institution_id = "i3";
  page = List(both, i3);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t3 pupil.read pupils/p3"));
}

TEST_F(AuditQueryTest, MunicipalityCoordinatorSeesOnlyTheirMunicipality) {
  RecordTrail();
  const CallContext coord = As("mc", {{Role::kMunicipalityCoordinator, "m1"}});
  absl::StatusOr<AuditPage> page = List(coord, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->events.size(), 4u);
  for (const auto& e : page->events) EXPECT_EQ(e.municipality_id, "m1");
  AuditFilter school;
  school.institution_id = "i2";  // one of theirs
  page = List(coord, school);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page),
              ElementsAre("accounts/t2 pupil.list institutions/i2"));
  AuditFilter foreign_school;
  foreign_school.institution_id = "i3";
  EXPECT_THAT(List(coord, foreign_school),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Naming their own municipality does not open another's school.
  foreign_school.municipality_id = "m1";
  EXPECT_THAT(List(coord, foreign_school),
              StatusIs(absl::StatusCode::kPermissionDenied));
  AuditFilter foreign;
  foreign.municipality_id = "m2";
  EXPECT_THAT(List(coord, foreign),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(AuditQueryTest, RolesWithoutAuditRightsAreRefused) {
  RecordTrail();
  for (const RoleBinding& b :
       std::vector<RoleBinding>{{Role::kPlanPreparer, "i1"},
                                {Role::kMeasureProvider, "i1"},
                                {Role::kMethodologist, ""},
                                {Role::kGuardian, "g1"},
                                {Role::kAdultPupil, "p3"}}) {
    SCOPED_TRACE(static_cast<int>(b.role));
    const CallContext call = As("someone", {b});
    EXPECT_THAT(List(call, {}), StatusIs(absl::StatusCode::kPermissionDenied));
    AuditFilter i1;
    i1.institution_id = "i1";
    EXPECT_THAT(List(call, i1), StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(List(CallContext{}, {}),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuditQueryTest, ServiceAccountsNeedTheAuditScope) {
  RecordTrail();
  CallContext service = As("svc", {{Role::kInstitutionCoordinator, "i1"}});
  service.principal.is_service = true;
  service.principal.api_scopes = {"directory.read", "directory.import"};
  EXPECT_THAT(List(service, {}), StatusIs(absl::StatusCode::kPermissionDenied));
  service.principal.api_scopes.push_back("audit.read");
  absl::StatusOr<AuditPage> page = List(service, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->events.size(), 3u);
}

TEST_F(AuditQueryTest, ListingAPupilsEventsIsItselfAudited) {
  RecordTrail();
  const CallContext head = As("h1", {{Role::kInstitutionHead, "i1"}});
  AuditFilter f;
  f.resource = "pupils/p1";
  ASSERT_THAT(List(head, f), IsOk());
  ASSERT_EQ(head.deferred_audit->size(), 1u);
  const AuditEvent& e = head.deferred_audit->front();
  EXPECT_EQ(e.action, "audit.list");
  EXPECT_EQ(e.resource, "pupils/p1");
  EXPECT_EQ(e.pupil_id, "p1");
  EXPECT_EQ(e.institution_id, "i1");
  EXPECT_EQ(e.outcome, AuditOutcome::kAllowed);

  const CallContext other = As("h3", {{Role::kInstitutionHead, "i3"}});
  f.institution_id = "i1";
  EXPECT_THAT(List(other, f), StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_EQ(other.deferred_audit->size(), 1u);
  EXPECT_EQ(other.deferred_audit->front().outcome, AuditOutcome::kDenied);

  // A listing about no pupil is not.
  const CallContext plain = As("h1", {{Role::kInstitutionHead, "i1"}});
  ASSERT_THAT(List(plain, {}), IsOk());
  EXPECT_THAT(*plain.deferred_audit, IsEmpty());
}

TEST_F(AuditQueryTest, GuardianSeesWhoAccessedTheirChildOnly) {
  RecordTrail();
  const CallContext guardian = As("v1", {{Role::kGuardian, "g1"}});
  absl::StatusOr<AuditPage> page = Access(guardian, "p1");
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Summary(*page), ElementsAre("accounts/t3 pupil.read pupils/p1",
                                          "accounts/t1 pupil.read pupils/p1"));
  EXPECT_EQ(page->events[0].outcome, AuditOutcome::kDenied);
  ASSERT_EQ(guardian.deferred_audit->size(), 1u);
  const AuditEvent& e = guardian.deferred_audit->front();
  EXPECT_EQ(e.action, "pupil_access.list");
  EXPECT_EQ(e.resource, "pupils/p1");
  EXPECT_EQ(e.pupil_id, "p1");
  EXPECT_EQ(e.institution_id, "i1");
  EXPECT_EQ(e.municipality_id, "m1");
  EXPECT_EQ(e.outcome, AuditOutcome::kAllowed);

  // Another child, same school: refused, and the refusal is recorded.
  const CallContext again = As("v1", {{Role::kGuardian, "g1"}});
  EXPECT_THAT(Access(again, "p2"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_EQ(again.deferred_audit->size(), 1u);
  EXPECT_EQ(again.deferred_audit->front().outcome, AuditOutcome::kDenied);
  EXPECT_EQ(again.deferred_audit->front().pupil_id, "p2");
}

TEST_F(AuditQueryTest, PupilAccessPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    Record(absl::StrCat("t", i), "pupil.read", "pupils/p1", "i1", "m1", "p1");
  }
  const CallContext guardian = As("v1", {{Role::kGuardian, "g1"}});
  std::vector<std::string> actors;
  std::string token;
  do {
    absl::StatusOr<AuditPage> page = Access(guardian, "p1", 2, token);
    ASSERT_THAT(page, IsOk());
    for (const auto& e : page->events) actors.push_back(e.actor);
    token = page->next_page_token;
  } while (!token.empty());
  EXPECT_THAT(actors, ElementsAre("accounts/t4", "accounts/t3", "accounts/t2",
                                  "accounts/t1", "accounts/t0"));
  absl::StatusOr<AuditPage> first = Access(guardian, "p1", 2);
  ASSERT_THAT(first, IsOk());
  // A token of one pupil's trail does not page another's.
  const CallContext admin = admin_;
  EXPECT_THAT(Access(admin, "p2", 2, first->next_page_token),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(AuditQueryTest, WhoMayListPupilAccess) {
  RecordTrail();
  struct Case {
    std::vector<RoleBinding> roles;
    std::string pupil;
    absl::StatusCode code;
  } cases[] = {
      {{{Role::kAdultPupil, "p3"}}, "p3", absl::StatusCode::kOk},
      {{{Role::kAdultPupil, "p3"}}, "p1", absl::StatusCode::kPermissionDenied},
      {{{Role::kNationalAdministrator, ""}}, "p2", absl::StatusCode::kOk},
      {{{Role::kGuardian, "g2"}}, "p2", absl::StatusCode::kOk},
      // Staff read pupils, but the access log is the family's.
      {{{Role::kInstitutionHead, "i1"}},
       "p1",
       absl::StatusCode::kPermissionDenied},
      {{{Role::kMunicipalityCoordinator, "m1"}},
       "p1",
       absl::StatusCode::kPermissionDenied},
      {{{Role::kMethodologist, ""}}, "p1", absl::StatusCode::kPermissionDenied},
      // A pupil that does not exist: refused like a foreign one, except for
      // a national administrator.
      {{{Role::kGuardian, "g1"}},
       "nobody",
       absl::StatusCode::kPermissionDenied},
      {{{Role::kNationalAdministrator, ""}},
       "nobody",
       absl::StatusCode::kNotFound},
      {{}, "p1", absl::StatusCode::kUnauthenticated},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(n++);
    CallContext call =
        c.roles.empty() ? CallContext{} : As(absl::StrCat("a", n), c.roles);
    EXPECT_THAT(Access(call, c.pupil), StatusIs(c.code));
    if (c.code == absl::StatusCode::kUnauthenticated) {
      EXPECT_THAT(*call.deferred_audit, IsEmpty());
      continue;
    }
    ASSERT_EQ(call.deferred_audit->size(), 1u);
    const AuditOutcome want =
        c.code == absl::StatusCode::kOk         ? AuditOutcome::kAllowed
        : c.code == absl::StatusCode::kNotFound ? AuditOutcome::kFailed
                                                : AuditOutcome::kDenied;
    EXPECT_EQ(call.deferred_audit->front().outcome, want);
  }
}

TEST_F(AuditQueryTest, EventsCannotBeChangedOrDeleted) {
  RecordTrail();
  for (const char* sql :
       {"UPDATE audit_events SET outcome = 1",
        "UPDATE audit_events SET actor = 'accounts/x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE actor = 'accounts/t3'",
        "DELETE FROM audit_events"}) {
    SCOPED_TRACE(sql);
    absl::Status s = Exec(sql);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(s, HasReason("CONSTRAINT_VIOLATION"));
  }
  // It is the triggers that refuse (SQLite's own message).
  std::vector<std::string> messages;
  ASSERT_THAT(
      db_->WriteSync(
          CallContext{},
          [&](storage::Connection& c) {
            for (const char* sql : {"UPDATE audit_events SET outcome = 1",
                                    "DELETE FROM audit_events"}) {
              EXPECT_NE(sqlite3_exec(c.raw(), sql, nullptr, nullptr, nullptr),
                        SQLITE_OK);
              messages.push_back(sqlite3_errmsg(c.raw()));
            }
            return absl::OkStatus();
          }),
      IsOk());
  EXPECT_THAT(messages, ElementsAre("audit events cannot be changed",
                                    "audit events cannot be deleted"));
  absl::StatusOr<AuditPage> page = List(admin_, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->events.size(), 6u);
  EXPECT_EQ(page->events[1].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(page->events[1].actor, "accounts/t3");
}

}  // namespace
}  // namespace pumpurs::auth
