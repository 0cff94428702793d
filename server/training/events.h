#ifndef PUMPURS_SERVER_TRAINING_EVENTS_H_
#define PUMPURS_SERVER_TRAINING_EVENTS_H_

// Staff-development events (supervision, workshops, courses, programmes):
// create, read, list, change, publish, cancel. An event is created as a
// draft by an account that may organise (auth kTrainingOrganise: any
// methodologist, national administrator, municipality coordinator or
// institution head); that account is its organiser, and only the organiser
// or a national administrator changes it. Who sees what:
//  - a published event: any signed-in account;
//  - a draft: the organiser (and national administrators);
//  - a cancelled event: the organiser, national administrators and the
//    staff members who had registered for it (a cancelled draft stays
//    private: nobody can register for a draft).
// An event that one may not see is NOT_FOUND, as a missing one: events
// hold no personal data, and a draft's existence is nobody else's concern.
// Events name no pupils, so nothing here is audited.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "pumpurs/v1/training.pb.h"
#include "server/common/call_context.h"
#include "server/common/error.h"
#include "server/common/page.h"
#include "server/storage/connection.h"

namespace pumpurs::training {

using storage::Connection;
namespace v1 = ::pumpurs::v1;

inline constexpr char kTrainingEvents[] = "trainingEvents";
inline constexpr char kRegistrations[] = "registrations";
inline constexpr char kStaff[] = "staff";
inline constexpr char kArticles[] = "articles";
inline constexpr char kAccounts[] = "accounts";
inline constexpr char kInstitutions[] = "institutions";

inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxDescriptionChars = 4000;
inline constexpr size_t kMaxPlaceChars = 200;
inline constexpr int kMaxCapacity = 10000;
inline constexpr double kMaxHours = 200;

struct StoredEvent {
  // The event with every output field filled on load (name, organiser,
  // state, registered, etag, create_time).
  v1::TrainingEvent event;
  std::string id;
  std::string organiser_account_id;
  int64_t version = 0;
  absl::Time start_time;
  absl::Time end_time;
  absl::Time create_time;
  std::vector<std::string> article_ids;  // sorted, each once

  v1::TrainingEventState state() const { return event.state(); }
};

// The event, or nullopt; `registered` counts the live registrations.
absl::StatusOr<std::optional<StoredEvent>> LoadEvent(Connection& conn,
                                                     absl::string_view id);

// Whether the caller runs the event: the organiser or a national
// administrator, who may organise (kTrainingOrganise, so a service key
// needs the write scope).
bool Organises(const Principal& principal, const StoredEvent& e);
// Whether the caller sees the event (the rules above).
absl::StatusOr<bool> SeesEvent(Connection& conn, const Principal& principal,
                               const StoredEvent& e);
// An event the caller sees (UNAUTHENTICATED for anonymous callers,
// NOT_FOUND otherwise).
absl::StatusOr<StoredEvent> LoadVisibleEvent(Connection& conn,
                                             const CallContext& call,
                                             absl::string_view id);
// An event the caller organises (PERMISSION_DENIED if they only see it),
// at `etag` if set (ABORTED otherwise).
absl::StatusOr<StoredEvent> LoadOrganisedEvent(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id,
                                               absl::string_view etag);

// The live (not cancelled) registrations of an event.
absl::StatusOr<int64_t> LiveRegistrations(Connection& conn,
                                          absl::string_view event_id);

// Creates a draft; the caller (kTrainingOrganise) is the organiser.
// Content rules (field prefix "training_event"): kind set; title 1..200;
// description at most 4000 (line breaks allowed); audiences at least one,
// each known and given once; start_time and end_time valid, start before
// end; place 1..200 unless online (then optional); capacity 1..10000;
// hours more than 0, at most 200; method_articles each "articles/{id}" of a
// published article of kind METHOD, each once. A retried request_id
// returns the first result.
absl::StatusOr<v1::TrainingEvent> CreateTrainingEvent(
    Connection& conn, const CallContext& call, const v1::TrainingEvent& in,
    absl::string_view request_id, absl::Time now);

absl::StatusOr<v1::TrainingEvent> GetTrainingEvent(Connection& conn,
                                                   const CallContext& call,
                                                   absl::string_view id);

struct EventFilter {
  v1::TrainingAudience audience = v1::TRAINING_AUDIENCE_UNSPECIFIED;
  v1::TrainingKind kind = v1::TRAINING_KIND_UNSPECIFIED;
  std::string from_day;        // "YYYY-MM-DD" in Latvia, or ""
  std::string to_day;          // "YYYY-MM-DD" in Latvia, or ""
  std::string method_article;  // "articles/{id}", or ""
  int page_size = 0;
  std::string page_token;
};
// The events the caller sees, filtered, soonest first (start time, then
// id). The days are Latvian days of the start time, both inclusive.
absl::StatusOr<ListPage<v1::TrainingEvent>> ListTrainingEvents(
    Connection& conn, const CallContext& call, const EventFilter& filter);

// The fields UpdateTrainingEvent may change.
const std::vector<std::string>& UpdatableEventFields();

// Replaces the fields named in `paths` (UpdatableEventFields; at least
// one) with those of `changes`, by the organiser; etag if set. A cancelled
// event does not change (EVENT_CANCELLED); the capacity cannot go below the
// live registrations (CAPACITY_BELOW_REGISTRATIONS). The whole event is
// checked again. New hours are credited to those already marked attended.
absl::StatusOr<v1::TrainingEvent> UpdateTrainingEvent(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::TrainingEvent& changes, const std::vector<std::string>& paths,
    absl::string_view etag, absl::Time now);

// Draft → published (EVENT_NOT_DRAFT otherwise), by the organiser; etag.
// Its method articles must still be published METHOD articles.
absl::StatusOr<v1::TrainingEvent> PublishTrainingEvent(Connection& conn,
                                                       const CallContext& call,
                                                       absl::string_view id,
                                                       absl::string_view etag,
                                                       absl::Time now);

// Draft or published → cancelled (EVENT_CANCELLED if it already is), by
// the organiser; etag. Registrations stay as they are; no hours count.
absl::StatusOr<v1::TrainingEvent> CancelTrainingEvent(Connection& conn,
                                                      const CallContext& call,
                                                      absl::string_view id,
                                                      absl::string_view etag,
                                                      absl::Time now);

// Days in Latvia (Europe/Riga).
std::optional<absl::CivilDay> ParseDay(absl::string_view text);
absl::Time StartOfDayInLatvia(absl::CivilDay day);
// A "YYYY-MM-DD" day in `field` (a violation and nullopt if malformed or
// not a real date; "is required" if empty and `required`).
std::optional<absl::CivilDay> CheckDay(Violations& v, absl::string_view field,
                                       absl::string_view value, bool required);

}  // namespace pumpurs::training

#endif  // PUMPURS_SERVER_TRAINING_EVENTS_H_
