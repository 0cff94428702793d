#ifndef PUMPURS_SERVER_INITIATIVES_STORE_H_
#define PUMPURS_SERVER_INITIATIVES_STORE_H_

// Youth-initiative calls and projects as stored: the API message
// (unredacted) beside the columns that filters and access decisions need.
// Every change goes through Save*, which bumps the version (the etag),
// rewrites the link tables (evaluators, members) and appends a change-feed
// entry. Callers authorize and validate first; nothing here checks access.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/storage/connection.h"

namespace pumpurs::initiatives {

using storage::Connection;
namespace v1 = ::pumpurs::v1;

inline constexpr char kCalls[] = "initiativeCalls";
inline constexpr char kInitiatives[] = "initiatives";
inline constexpr char kMunicipalities[] = "municipalities";
inline constexpr char kInstitutions[] = "institutions";
inline constexpr char kAccounts[] = "accounts";
inline constexpr char kPupils[] = "pupils";
// The programme's lump sum per project: EUR 4,600.
inline constexpr int64_t kDefaultLumpSumCents = 460000;

struct StoredCall {
  // The call with every output field filled on load (name, state,
  // municipality, etag, times) and its evaluators.
  v1::Call call;
  std::string id;
  std::string municipality_id;  // a municipality's call; "" otherwise
  std::string institution_id;   // a state vocational school's call; ""
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::vector<std::string> evaluator_ids;  // account ids, sorted

  v1::CallState state() const { return call.state(); }
};

struct StoredInitiative {
  // The project with every output field filled on load.
  v1::Initiative initiative;
  std::string id;
  std::string call_id;
  std::string municipality_id;  // the call's
  std::string institution_id;   // the call's
  std::string owner_account_id;
  std::string supervisor_account_id;  // "" if the supervisor has none
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::vector<std::string> member_ids;    // pupil ids, sorted
  std::vector<std::string> guardian_ids;  // of the members, sorted

  v1::InitiativeState state() const { return initiative.state(); }
};

absl::StatusOr<std::optional<StoredCall>> LoadCall(Connection& conn,
                                                   absl::string_view id);
// Stores a new call (`c.id`, owner columns and `c.call` set by the caller;
// version 1, times `now`) and its change-feed entry.
absl::Status InsertCall(Connection& conn, StoredCall& c, absl::Time now);
// Stores a change of `c` (version + 1, update time `now`, evaluators from
// `c.call.evaluators()`) and its change-feed entry.
absl::Status SaveCall(Connection& conn, StoredCall& c, absl::Time now);

absl::StatusOr<std::optional<StoredInitiative>> LoadInitiative(
    Connection& conn, absl::string_view id);
// As InsertCall / SaveCall; members from `i.initiative.members()`, the
// supervisor's account from `i.initiative.supervisor().account()`.
absl::Status InsertInitiative(Connection& conn, StoredInitiative& i,
                              absl::Time now);
absl::Status SaveInitiative(Connection& conn, StoredInitiative& i,
                            absl::Time now);

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_STORE_H_
