#ifndef PUMPURS_SERVER_SELFCHECK_SEED_H_
#define PUMPURS_SERVER_SELFCHECK_SEED_H_

// Loads the self-check questionnaires shipped with the release
// (server/selfcheck/seed/questionnaires.textproto, a
// pumpurs.v1.ListQuestionnairesResponse in protobuf text format) at every
// start, right after the knowledge base's seed, in one transaction, as the
// knowledge seed loader does:
//  - a questionnaire (by seed_key) not yet in the database is added and
//    published as revision 1 by "system:seed";
//  - one whose seed content changed since it was loaded (seed_hash: SHA-256
//    of the item as written) is replaced and published as the next
//    revision, unless it was changed through the API since (`edited`);
//  - everything else is left alone, so loading twice changes nothing.
// A guide written "seed:{seed_key}" names the knowledge base's seed article
// with that key and is stored as its "articles/{id}". Every item is
// validated as the API validates, complete as publishing needs; an invalid
// seed fails with INVALID_ARGUMENT naming the item, and nothing is stored.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/connection.h"
#include "server/storage/database.h"

namespace pumpurs::selfcheck {

struct QuestionnaireSeedCounts {
  int added = 0;
  int updated = 0;
  int unchanged = 0;
  int kept_edited = 0;
};

// The embedded seed text (a generated source).
absl::string_view EmbeddedQuestionnaireSeed();

// In the caller's (write) transaction; `name` names the text in errors.
absl::StatusOr<QuestionnaireSeedCounts> LoadQuestionnaireSeed(
    storage::Connection& conn, absl::string_view name, absl::string_view text,
    absl::Time now);

// LoadQuestionnaireSeed(EmbeddedQuestionnaireSeed()) in a write of its own.
absl::StatusOr<QuestionnaireSeedCounts> LoadEmbeddedQuestionnaireSeed(
    storage::Database& db);

}  // namespace pumpurs::selfcheck

#endif  // PUMPURS_SERVER_SELFCHECK_SEED_H_
