#include "server/demo/demo_training.h"

#include <optional>

#include "google/protobuf/util/time_util.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "pumpurs/v1/training.pb.h"
#include "server/common/call_context.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/training/events.h"
#include "server/training/registrations.h"

namespace pumpurs::demo {
namespace {

namespace v1 = ::pumpurs::v1;
using storage::Connection;

CallContext AsAccount(const std::string& account, Role role,
                      const std::string& scope,
                      const std::string& staff_id = "") {
  CallContext call;
  call.caller_id = "accounts/" + account;
  call.principal.account_id = account;
  call.principal.roles = {{role, scope}};
  if (!staff_id.empty()) call.principal.staff_ids = {staff_id};
  return call;
}

google::protobuf::Timestamp At(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// "articles/{id}" of the published METHOD article with this seed key.
absl::StatusOr<std::optional<std::string>> MethodArticle(
    Connection& conn, const std::string& seed_key) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id FROM kb_articles WHERE seed_key = ? AND state = "
                   "? AND kind = ? AND published_revision > 0"));
  s.Bind(1, seed_key)
      .Bind(2, int64_t{v1::ARTICLE_STATE_PUBLISHED})
      .Bind(3, int64_t{v1::ARTICLE_KIND_METHOD});
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return ResourceName("articles", s.ColumnText(0));
}

struct EventSpec {
  v1::TrainingKind kind;
  const char* title;
  const char* description;
  std::vector<v1::TrainingAudience> audiences;
  absl::Duration starts_in;  // from now
  absl::Duration lasts;
  const char* place;  // "" online
  int capacity;
  double hours;
  const char* article;  // seed key, or ""
};

// Creates the event at `created` and publishes it an hour later; its id.
absl::StatusOr<std::string> MakeEvent(Connection& conn,
                                      const CallContext& organiser,
                                      const EventSpec& spec, absl::Time now,
                                      absl::Time created) {
  v1::TrainingEvent e;
  e.set_kind(spec.kind);
  e.set_title(spec.title);
  e.set_description(spec.description);
  for (v1::TrainingAudience a : spec.audiences) e.add_audiences(a);
  const absl::Time start = now + spec.starts_in;
  *e.mutable_start_time() = At(start);
  *e.mutable_end_time() = At(start + spec.lasts);
  e.set_place(spec.place);
  e.set_online(std::string(spec.place).empty());
  e.set_capacity(spec.capacity);
  e.set_hours(spec.hours);
  if (*spec.article != '\0') {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> article,
                             MethodArticle(conn, spec.article));
    if (article) e.add_method_articles(*article);
  }
  PUMPURS_ASSIGN_OR_RETURN(
      v1::TrainingEvent made,
      training::CreateTrainingEvent(conn, organiser, e, "", created));
  PUMPURS_ASSIGN_OR_RETURN(
      std::string id, ParseResourceName(made.name(), "trainingEvents", "name"));
  PUMPURS_RETURN_IF_ERROR(training::PublishTrainingEvent(
                              conn, organiser, id, "", created + absl::Hours(1))
                              .status());
  return id;
}

// The registration id of `made` ("trainingEvents/{e}/registrations/{r}").
std::string RegistrationId(const v1::Registration& made) {
  return made.name().substr(made.name().rfind('/') + 1);
}

}  // namespace

absl::Status SeedTraining(Connection& conn,
                          const std::string& methodologist_account,
                          const std::vector<DemoSchool>& schools,
                          absl::Time now) {
  const CallContext organiser =
      AsAccount(methodologist_account, Role::kMethodologist, "");
  auto teacher = [&](size_t i) {
    return AsAccount(schools[i].teacher_account, Role::kPlanPreparer,
                     schools[i].institution_id, schools[i].teacher_staff);
  };
  auto psychologist = [&](size_t i) {
    return AsAccount(schools[i].psychologist_account, Role::kMeasureProvider,
                     schools[i].institution_id, schools[i].psychologist_staff);
  };

  // A workshop a month ago, with attendance recorded.
  const EventSpec workshop = {
      v1::TRAINING_KIND_WORKSHOP,
      "Agrīnās brīdinājuma zīmes praksē: ABC pieeja",
      "Praktiska darbnīca par apmeklējuma, uzvedības un mācību sasniegumu "
      "rādītāju regulāru pārbaudi un rīcību, kad kāds no tiem liecina par "
      "risku.",
      {v1::TRAINING_AUDIENCE_TEACHERS, v1::TRAINING_AUDIENCE_SUPPORT_STAFF},
      -absl::Hours(24 * 30),
      absl::Hours(6),
      "Rīga, Vaļņu iela 2, IKVD zāle",
      25,
      6,
      "guide-staff-early-warning-signs"};
  PUMPURS_ASSIGN_OR_RETURN(
      std::string past,
      MakeEvent(conn, organiser, workshop, now, now - absl::Hours(24 * 60)));
  std::vector<std::pair<std::string, bool>> attendance;
  const absl::Time registered = now - absl::Hours(24 * 50);
  for (size_t i = 0; i < schools.size() && i < 2; ++i) {
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Registration r,
        training::RegisterForTraining(conn, teacher(i), past, "", "",
                                      registered + absl::Minutes(i)));
    attendance.emplace_back(RegistrationId(r), true);
  }
  if (!schools.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Registration r,
        training::RegisterForTraining(conn, psychologist(0), past, "", "",
                                      registered + absl::Hours(1)));
    attendance.emplace_back(RegistrationId(r), false);
  }
  const absl::Time after = now - absl::Hours(24 * 30) + absl::Hours(7);
  for (const auto& [id, attended] : attendance) {
    PUMPURS_RETURN_IF_ERROR(
        training::RecordAttendance(conn, organiser, past, id, attended, after)
            .status());
  }

  // A course in three weeks, open for registration.
  const EventSpec course = {
      v1::TRAINING_KIND_COURSE,
      "Atbalsta pasākumu izvēle individuālā atbalsta plānā",
      "Tiešsaistes kurss pedagogiem un koordinatoriem: kā no riskiem nonākt "
      "pie piemērotiem atbalsta pasākumiem, kā tos pamatot un plānot.",
      {v1::TRAINING_AUDIENCE_TEACHERS, v1::TRAINING_AUDIENCE_COORDINATORS},
      absl::Hours(24 * 21),
      absl::Hours(4),
      "",
      40,
      12,
      "guide-staff-choosing-measures"};
  PUMPURS_ASSIGN_OR_RETURN(
      std::string upcoming,
      MakeEvent(conn, organiser, course, now, now - absl::Hours(24 * 5)));
  if (schools.size() > 2) {
    PUMPURS_RETURN_IF_ERROR(
        training::RegisterForTraining(conn, teacher(2), upcoming, "", "",
                                      now - absl::Hours(24 * 2))
            .status());
  }

  // Supervision for support staff in ten days.
  const EventSpec supervision = {
      v1::TRAINING_KIND_SUPERVISION,
      "Supervīzija atbalsta personālam",
      "Grupas supervīzija psihologiem, sociālajiem pedagogiem un "
      "logopēdiem: sarežģītu gadījumu izrunāšana un profesionālā "
      "izdegšanas novēršana.",
      {v1::TRAINING_AUDIENCE_SUPPORT_STAFF},
      absl::Hours(24 * 10),
      absl::Hours(2),
      "Valmiera, Rīgas iela 10, 12. kabinets",
      8,
      2,
      ""};
  PUMPURS_ASSIGN_OR_RETURN(
      std::string session,
      MakeEvent(conn, organiser, supervision, now, now - absl::Hours(24 * 3)));
  for (size_t i = 0; i < schools.size() && i < 2; ++i) {
    PUMPURS_RETURN_IF_ERROR(
        training::RegisterForTraining(conn, psychologist(i), session, "", "",
                                      now - absl::Hours(24) + absl::Minutes(i))
            .status());
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::demo
