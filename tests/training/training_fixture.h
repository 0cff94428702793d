#ifndef PUMPURS_TESTS_TRAINING_TRAINING_FIXTURE_H_
#define PUMPURS_TESTS_TRAINING_TRAINING_FIXTURE_H_

// Staff-development tests: the people fixture (schools A and B in the
// north, C in the south), the knowledge base's seed (its published METHOD
// articles), staff of A and B linked to accounts in every audience group,
// an organiser (methodologist) and a fixed clock, with helpers that run
// server/training as a given caller in real executor transactions.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/ids.h"
#include "server/knowledge/seed_loader.h"
#include "server/training/events.h"
#include "server/training/hours.h"
#include "server/training/registrations.h"
#include "tests/directory/people_fixture.h"
#include "tests/testing/names.h"

namespace pumpurs::training {

using ::pumpurs::testing::IdOf;

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;

inline google::protobuf::Timestamp Ts(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// The id of "collection/id" (the last part of any name).

class TrainingTest : public directory::PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    ASSERT_THAT(knowledge::LoadEmbeddedSeed(*db_), IsOk());
    teacher_a_ = AddStaff(a_.id, "teacher-a", 1);
    sped_a_ = AddStaff(a_.id, "sped-a", 5);
    psych_a_ = AddStaff(a_.id, "psych-a", 2);
    head_a_ = AddStaff(a_.id, "head-a", 7);
    social_a_ = AddStaff(a_.id, "coord-a", 3);
    teacher_b_ = AddStaff(b_.id, "teacher-b", 1);
    // 2026-03-10 10:00 in Riga (UTC+2).
    now_ = absl::FromCivil(absl::CivilSecond(2026, 3, 10, 8, 0, 0),
                           absl::UTCTimeZone());
  }

  std::string AddStaff(const std::string& institution_id,
                       const std::string& account, int position) {
    const std::string id = NewId();
    EXPECT_THAT(
        db_->WriteSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO staff (id, institution_id, "
                            "given_name, family_name, sort_key, search_given, "
                            "search_family, position, version, create_time, "
                            "update_time, account_id) VALUES (?, ?, 'Vārds', "
                            "'Uzvārds', x'00', 'vards', 'uzvards', ?, 1, 0, "
                            "0, NULL)"));
              s.Bind(1, id).Bind(2, institution_id).Bind(3, int64_t{position});
              return s.Run();
            }),
        IsOk());
    staff_accounts_[id] = account;
    return id;
  }

  CallContext Staff(const std::string& staff_id,
                    std::vector<RoleBinding> roles = {}) {
    CallContext call = directory::As(staff_accounts_[staff_id], roles);
    call.principal.staff_ids = {staff_id};
    return call;
  }
  CallContext TeacherA() {
    return Staff(teacher_a_, {{Role::kPlanPreparer, a_.id}});
  }
  CallContext PsychA() {
    return Staff(psych_a_, {{Role::kMeasureProvider, a_.id}});
  }
  CallContext HeadA() {
    return Staff(head_a_, {{Role::kInstitutionHead, a_.id}});
  }
  CallContext TeacherB() {
    return Staff(teacher_b_, {{Role::kPlanPreparer, b_.id}});
  }
  CallContext Organiser() {
    return directory::As("metodikis", {{Role::kMethodologist, ""}});
  }
  CallContext OtherOrganiser() {
    return directory::As("muni", {{Role::kMunicipalityCoordinator, south_.id}});
  }

  // "articles/{id}" of the n-th published METHOD article, or of a
  // published article of another kind.
  std::string MethodArticle(int n = 0) {
    return ArticleWhere(
        absl::StrCat("state = 2 AND kind = 4 ORDER BY id LIMIT 1 OFFSET ", n));
  }
  std::string GuideArticle() {
    return ArticleWhere("state = 2 AND kind = 5 ORDER BY id LIMIT 1");
  }
  std::string ArticleWhere(const std::string& where) {
    std::string out;
    EXPECT_THAT(db_->ReadSync(CallContext{},
                              [&](storage::Connection& c) -> absl::Status {
                                PUMPURS_ASSIGN_OR_RETURN(
                                    storage::Statement s,
                                    c.Prepare("SELECT id FROM kb_articles "
                                              "WHERE " +
                                              where));
                                PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                                if (row) out = "articles/" + s.ColumnText(0);
                                return absl::OkStatus();
                              }),
                IsOk());
    EXPECT_FALSE(out.empty()) << where;
    return out;
  }

  // A valid workshop for teachers and support staff starting `in` after
  // now_, two hours long, 3 places, 4 hours.
  v1::TrainingEvent Event(absl::Duration in = absl::Hours(24 * 7)) {
    v1::TrainingEvent e;
    e.set_kind(v1::TRAINING_KIND_WORKSHOP);
    e.set_title("Darbnīca");
    e.set_description("Apraksts.\nOtrā rinda.");
    e.add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
    e.add_audiences(v1::TRAINING_AUDIENCE_SUPPORT_STAFF);
    *e.mutable_start_time() = Ts(now_ + in);
    *e.mutable_end_time() = Ts(now_ + in + absl::Hours(2));
    e.set_place("Rīga, Vaļņu iela 2");
    e.set_capacity(3);
    e.set_hours(4);
    return e;
  }

  absl::StatusOr<v1::TrainingEvent> Create(const CallContext& call,
                                           const v1::TrainingEvent& e,
                                           const std::string& request_id = "") {
    return WriteAs<v1::TrainingEvent>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CreateTrainingEvent(c, cc, e, request_id, now_);
        });
  }
  absl::StatusOr<v1::TrainingEvent> Publish(const CallContext& call,
                                            const std::string& id,
                                            const std::string& etag = "") {
    return WriteAs<v1::TrainingEvent>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return PublishTrainingEvent(c, cc, id, etag, now_);
        });
  }
  absl::StatusOr<v1::TrainingEvent> Cancel(const CallContext& call,
                                           const std::string& id,
                                           const std::string& etag = "") {
    return WriteAs<v1::TrainingEvent>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CancelTrainingEvent(c, cc, id, etag, now_);
        });
  }
  absl::StatusOr<v1::TrainingEvent> Update(
      const CallContext& call, const std::string& id,
      const v1::TrainingEvent& changes, const std::vector<std::string>& paths,
      const std::string& etag = "") {
    return WriteAs<v1::TrainingEvent>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return UpdateTrainingEvent(c, cc, id, changes, paths, etag, now_);
        });
  }
  absl::StatusOr<v1::TrainingEvent> Get(const CallContext& call,
                                        const std::string& id) {
    return ReadAs<v1::TrainingEvent>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetTrainingEvent(c, cc, id);
        });
  }
  absl::StatusOr<ListPage<v1::TrainingEvent>> List(const CallContext& call,
                                                   const EventFilter& f) {
    return ReadAs<ListPage<v1::TrainingEvent>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListTrainingEvents(c, cc, f);
        });
  }
  // A published event (by Organiser()); its id.
  std::string Published(const v1::TrainingEvent& e) {
    absl::StatusOr<v1::TrainingEvent> made = Create(Organiser(), e);
    EXPECT_THAT(made, IsOk());
    if (!made.ok()) return "";
    const std::string id = IdOf(made->name());
    EXPECT_THAT(Publish(Organiser(), id), IsOk());
    return id;
  }

  absl::StatusOr<v1::Registration> Register(
      const CallContext& call, const std::string& event_id, absl::Time at,
      const std::string& staff = "", const std::string& request_id = "") {
    return WriteAs<v1::Registration>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return RegisterForTraining(c, cc, event_id, staff, request_id, at);
        });
  }
  absl::StatusOr<v1::Registration> Unregister(const CallContext& call,
                                              const std::string& name,
                                              absl::Time at) {
    return WriteAs<v1::Registration>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CancelRegistration(c, cc, EventOf(name), IdOf(name), at);
        });
  }
  absl::StatusOr<v1::Registration> Attend(const CallContext& call,
                                          const std::string& name,
                                          bool attended, absl::Time at) {
    return WriteAs<v1::Registration>(call, [&](storage::Connection& c,
                                               const CallContext& cc) {
      return RecordAttendance(c, cc, EventOf(name), IdOf(name), attended, at);
    });
  }
  absl::StatusOr<ListPage<v1::Registration>> Registrations(
      const CallContext& call, const std::string& event_id, int page_size = 0,
      const std::string& token = "") {
    RegistrationFilter f;
    f.page_size = page_size;
    f.page_token = token;
    return ReadAs<ListPage<v1::Registration>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListRegistrations(c, cc, event_id, f);
        });
  }
  absl::StatusOr<v1::ListTrainingHoursResponse> Hours(const CallContext& call,
                                                      const HoursQuery& q) {
    return ReadAs<v1::ListTrainingHoursResponse>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListTrainingHours(c, cc, q);
        });
  }
  // "trainingEvents/{e}/registrations/{r}" → e.
  static std::string EventOf(const std::string& name) {
    const size_t a = name.find('/');
    return name.substr(a + 1, name.find('/', a + 1) - a - 1);
  }

  std::map<std::string, std::string> staff_accounts_;
  std::string teacher_a_, sped_a_, psych_a_, head_a_, social_a_, teacher_b_;
  absl::Time now_;
};

}  // namespace pumpurs::training

#endif  // PUMPURS_TESTS_TRAINING_TRAINING_FIXTURE_H_
