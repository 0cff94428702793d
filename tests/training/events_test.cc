#include "tests/training/training_fixture.h"

namespace pumpurs::training {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Titles(const ListPage<v1::TrainingEvent>& page) {
  std::vector<std::string> out;
  for (const auto& e : page.items) out.push_back(e.title());
  return out;
}

TEST_F(TrainingTest, CreateMakesADraftOfTheOrganiser) {
  v1::TrainingEvent in = Event();
  in.add_method_articles(MethodArticle());
  in.set_state(v1::TRAINING_EVENT_STATE_PUBLISHED);  // output only
  in.set_organiser("accounts/someone");              // output only
  absl::StatusOr<v1::TrainingEvent> e = Create(Organiser(), in);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->state(), v1::TRAINING_EVENT_STATE_DRAFT);
  EXPECT_EQ(e->organiser(), "accounts/metodikis");
  EXPECT_EQ(e->registered(), 0);
  EXPECT_EQ(e->etag(), "\"1\"");
  EXPECT_EQ(e->method_articles_size(), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_event_articles"), 1);
  absl::StatusOr<v1::TrainingEvent> got = Get(Organiser(), IdOf(e->name()));
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->title(), "Darbnīca");
  EXPECT_EQ(got->description(), "Apraksts.\nOtrā rinda.");
}

TEST_F(TrainingTest, OnlyOrganisersCreate) {
  EXPECT_THAT(Create(TeacherA(), Event()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Create(Anonymous(), Event()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Create(HeadA(), Event()), IsOk());
  EXPECT_THAT(Create(MunicipalityCoordinator(north_), Event()), IsOk());
  EXPECT_THAT(Create(Admin(), Event()), IsOk());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_events"), 3);
}

TEST_F(TrainingTest, CreateValidatesEveryField) {
  v1::TrainingEvent bad;
  bad.set_title(std::string(201, 'x'));
  bad.set_description(std::string(4001, 'y'));
  bad.add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
  bad.add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
  bad.add_audiences(static_cast<v1::TrainingAudience>(9));
  *bad.mutable_start_time() = Ts(now_ + absl::Hours(5));
  *bad.mutable_end_time() = Ts(now_ + absl::Hours(5));
  bad.set_capacity(10001);
  bad.set_hours(200.5);
  bad.add_method_articles(GuideArticle());
  bad.add_method_articles("nonsense");
  bad.add_method_articles("articles/aaaaaaaaaaaaaaaa");
  absl::StatusOr<v1::TrainingEvent> e = Create(Organiser(), bad);
  EXPECT_THAT(e, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(e,
              ViolatesFields(std::vector<std::string>{
                  "training_event.kind", "training_event.title",
                  "training_event.description", "training_event.audiences[1]",
                  "training_event.audiences[2]", "training_event.end_time",
                  "training_event.place", "training_event.capacity",
                  "training_event.hours", "training_event.method_articles[0]",
                  "training_event.method_articles[1]",
                  "training_event.method_articles[2]"}));
  v1::TrainingEvent none;
  EXPECT_THAT(Create(Organiser(), none),
              ViolatesFields(std::vector<std::string>{
                  "training_event.audiences", "training_event.start_time",
                  "training_event.end_time", "training_event.capacity",
                  "training_event.hours", "training_event.title"}));
  v1::TrainingEvent twice = Event();
  twice.add_method_articles(MethodArticle());
  twice.add_method_articles(MethodArticle());
  EXPECT_THAT(Create(Organiser(), twice),
              ViolatesFields(std::vector<std::string>{
                  "training_event.method_articles[1]"}));
  v1::TrainingEvent bad_time = Event();
  bad_time.mutable_start_time()->set_nanos(-1);
  EXPECT_THAT(
      Create(Organiser(), bad_time),
      ViolatesFields(std::vector<std::string>{"training_event.start_time"}));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_events"), 0);
}

TEST_F(TrainingTest, OnlinePlaceIsOptional) {
  v1::TrainingEvent e = Event();
  e.set_place("");
  e.set_online(true);
  EXPECT_THAT(Create(Organiser(), e), IsOk());
}

TEST_F(TrainingTest, ArticlesMustBePublishedMethods) {
  const std::string article = MethodArticle();
  ASSERT_THAT(Exec("UPDATE kb_articles SET state = 3 WHERE id = '" +
                   IdOf(article) + "'"),
              IsOk());
  v1::TrainingEvent e = Event();
  e.add_method_articles(article);
  EXPECT_THAT(Create(Organiser(), e),
              ViolatesFields(std::vector<std::string>{
                  "training_event.method_articles[0]"}));
}

TEST_F(TrainingTest, RequestIdReturnsTheFirstEvent) {
  absl::StatusOr<v1::TrainingEvent> a = Create(Organiser(), Event(), "r-1");
  absl::StatusOr<v1::TrainingEvent> b = Create(Organiser(), Event(), "r-1");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->name(), b->name());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_events"), 1);
}

TEST_F(TrainingTest, DraftsAreTheOrganisers) {
  absl::StatusOr<v1::TrainingEvent> e = Create(Organiser(), Event());
  ASSERT_THAT(e, IsOk());
  const std::string id = IdOf(e->name());
  EXPECT_THAT(Get(TeacherA(), id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Get(OtherOrganiser(), id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Get(Admin(), id), IsOk());
  EXPECT_THAT(Get(Anonymous(), id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(List(TeacherA(), {}), IsOk());
  EXPECT_THAT(Titles(*List(TeacherA(), {})), IsEmpty());
  EXPECT_THAT(Titles(*List(Organiser(), {})), ElementsAre("Darbnīca"));
  ASSERT_THAT(Publish(Organiser(), id), IsOk());
  EXPECT_THAT(Get(TeacherA(), id), IsOk());
  EXPECT_THAT(Titles(*List(TeacherA(), {})), ElementsAre("Darbnīca"));
  EXPECT_THAT(Publish(Organiser(), id), HasReason("EVENT_NOT_DRAFT"));
}

TEST_F(TrainingTest, OnlyTheOrganiserOrAnAdministratorChanges) {
  const std::string id = Published(Event());
  v1::TrainingEvent changes;
  changes.set_title("Cits");
  EXPECT_THAT(Update(OtherOrganiser(), id, changes, {"title"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Update(TeacherA(), id, changes, {"title"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Cancel(OtherOrganiser(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::TrainingEvent> by_admin =
      Update(Admin(), id, changes, {"title"});
  ASSERT_THAT(by_admin, IsOk());
  EXPECT_EQ(by_admin->title(), "Cits");
  EXPECT_EQ(by_admin->organiser(), "accounts/metodikis");
}

TEST_F(TrainingTest, UpdateChecksMaskEtagAndContent) {
  absl::StatusOr<v1::TrainingEvent> e = Create(Organiser(), Event());
  ASSERT_THAT(e, IsOk());
  const std::string id = IdOf(e->name());
  v1::TrainingEvent changes;
  changes.set_capacity(0);
  EXPECT_THAT(Update(Organiser(), id, changes, {}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(Update(Organiser(), id, changes, {"organiser"}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(
      Update(Organiser(), id, changes, {"capacity"}),
      ViolatesFields(std::vector<std::string>{"training_event.capacity"}));
  changes.set_capacity(20);
  changes.add_method_articles(MethodArticle(1));
  EXPECT_THAT(Update(Organiser(), id, changes, {"capacity"}, "\"7\""),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<v1::TrainingEvent> done = Update(
      Organiser(), id, changes, {"capacity", "method_articles"}, e->etag());
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->capacity(), 20);
  EXPECT_EQ(done->title(), "Darbnīca");
  EXPECT_EQ(done->etag(), "\"2\"");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_event_articles WHERE "
                     "article_id = '" +
                     IdOf(MethodArticle(1)) + "'"),
            1);
}

TEST_F(TrainingTest, CapacityCannotGoBelowRegistrations) {
  const std::string id = Published(Event());
  ASSERT_THAT(Register(TeacherA(), id, now_), IsOk());
  ASSERT_THAT(Register(PsychA(), id, now_), IsOk());
  v1::TrainingEvent changes;
  changes.set_capacity(1);
  EXPECT_THAT(Update(Organiser(), id, changes, {"capacity"}),
              HasReason("CAPACITY_BELOW_REGISTRATIONS"));
  changes.set_capacity(2);
  EXPECT_THAT(Update(Organiser(), id, changes, {"capacity"}), IsOk());
}

TEST_F(TrainingTest, CancelledEventsRefuseChanges) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::TrainingEvent> c = Cancel(Organiser(), id);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->state(), v1::TRAINING_EVENT_STATE_CANCELLED);
  v1::TrainingEvent changes;
  changes.set_title("Cits");
  EXPECT_THAT(Update(Organiser(), id, changes, {"title"}),
              HasReason("EVENT_CANCELLED"));
  EXPECT_THAT(Cancel(Organiser(), id), HasReason("EVENT_CANCELLED"));
  EXPECT_THAT(Publish(Organiser(), id), HasReason("EVENT_NOT_DRAFT"));
}

TEST_F(TrainingTest, CancelledEventsAreSeenByTheirRegistrants) {
  const std::string id = Published(Event());
  ASSERT_THAT(Register(TeacherA(), id, now_), IsOk());
  ASSERT_THAT(Cancel(Organiser(), id), IsOk());
  EXPECT_THAT(Get(TeacherA(), id), IsOk());
  EXPECT_THAT(Get(TeacherB(), id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(List(TeacherA(), {})->items.size(), 1u);
  EXPECT_EQ(List(TeacherB(), {})->items.size(), 0u);
}

TEST_F(TrainingTest, ListFiltersAndPagesSoonestFirst) {
  v1::TrainingEvent later = Event(absl::Hours(24 * 30));
  later.set_title("Vēlāk");
  later.set_kind(v1::TRAINING_KIND_COURSE);
  later.add_method_articles(MethodArticle());
  v1::TrainingEvent sooner = Event(absl::Hours(24));
  sooner.set_title("Drīzāk");
  v1::TrainingEvent heads = Event(absl::Hours(24 * 2));
  heads.set_title("Vadītājiem");
  heads.clear_audiences();
  heads.add_audiences(v1::TRAINING_AUDIENCE_COORDINATORS);
  Published(later);
  Published(sooner);
  Published(heads);

  EXPECT_THAT(Titles(*List(TeacherA(), {})),
              ElementsAre("Drīzāk", "Vadītājiem", "Vēlāk"));
  EventFilter f;
  f.audience = v1::TRAINING_AUDIENCE_COORDINATORS;
  EXPECT_THAT(Titles(*List(TeacherA(), f)), ElementsAre("Vadītājiem"));
  f = {};
  f.kind = v1::TRAINING_KIND_COURSE;
  EXPECT_THAT(Titles(*List(TeacherA(), f)), ElementsAre("Vēlāk"));
  f = {};
  f.method_article = MethodArticle();
  EXPECT_THAT(Titles(*List(TeacherA(), f)), ElementsAre("Vēlāk"));
  f.method_article = MethodArticle(1);
  EXPECT_THAT(Titles(*List(TeacherA(), f)), IsEmpty());
  // now_ is 2026-03-10 10:00 in Riga: +1 day is 03-11, +2 days 03-12.
  f = {};
  f.from_day = "2026-03-12";
  f.to_day = "2026-03-12";
  EXPECT_THAT(Titles(*List(TeacherA(), f)), ElementsAre("Vadītājiem"));
  f.to_day = "2026-03-11";
  EXPECT_THAT(List(TeacherA(), f),
              ViolatesFields(std::vector<std::string>{"to_day"}));
  f = {};
  f.from_day = "2026-02-30";
  f.method_article = "bad";
  EXPECT_THAT(List(TeacherA(), f), ViolatesFields(std::vector<std::string>{
                                       "from_day", "method_article"}));

  f = {};
  f.page_size = 2;
  absl::StatusOr<ListPage<v1::TrainingEvent>> p1 = List(TeacherA(), f);
  ASSERT_THAT(p1, IsOk());
  EXPECT_THAT(Titles(*p1), ElementsAre("Drīzāk", "Vadītājiem"));
  ASSERT_FALSE(p1->next_page_token.empty());
  f.page_token = p1->next_page_token;
  absl::StatusOr<ListPage<v1::TrainingEvent>> p2 = List(TeacherA(), f);
  ASSERT_THAT(p2, IsOk());
  EXPECT_THAT(Titles(*p2), ElementsAre("Vēlāk"));
  EXPECT_TRUE(p2->next_page_token.empty());
  f.kind = v1::TRAINING_KIND_COURSE;
  EXPECT_THAT(List(TeacherA(), f), HasReason("INVALID_PAGE_TOKEN"));
}

TEST_F(TrainingTest, UpdatedHoursReachThoseWhoAttended) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> r = Register(TeacherA(), id, now_);
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(Attend(Organiser(), r->name(), true, now_ + absl::Hours(24 * 8)),
              IsOk());
  v1::TrainingEvent changes;
  changes.set_hours(5.5);
  ASSERT_THAT(Update(Organiser(), id, changes, {"hours"}), IsOk());
  absl::StatusOr<ListPage<v1::Registration>> regs =
      Registrations(Organiser(), id);
  ASSERT_THAT(regs, IsOk());
  ASSERT_EQ(regs->items.size(), 1u);
  EXPECT_EQ(regs->items[0].hours(), 5.5);
}

TEST_F(TrainingTest, LinkedArticlesWithdrawnLaterDoNotBlockChanges) {
  v1::TrainingEvent e = Event();
  e.add_method_articles(MethodArticle());
  const std::string id = Published(e);
  ASSERT_THAT(Exec("UPDATE kb_articles SET state = 3 WHERE id = '" +
                   IdOf(MethodArticle()) + "'"),
              IsOk());
  v1::TrainingEvent changes;
  changes.set_title("Jauns nosaukums");
  EXPECT_THAT(Update(Organiser(), id, changes, {"title"}), IsOk());
}

}  // namespace
}  // namespace pumpurs::training
