#ifndef PUMPURS_SERVER_KNOWLEDGE_SEED_LOADER_H_
#define PUMPURS_SERVER_KNOWLEDGE_SEED_LOADER_H_

// Loads the knowledge-base content shipped with the release into a database,
// at every start, in one transaction:
//  - items (risk factors, measure types, articles by seed_key) not yet in the
//    database are added; seed articles are published as revision 1 by
//    "system:seed";
//  - items whose seed content changed since they were loaded (seed_hash:
//    SHA-256 of the item's serialization) are updated, unless they were
//    changed through the API since (`edited`); a changed article is
//    published as the next revision;
//  - everything else is left alone, so loading twice changes nothing.
// Items dropped from the seed stay in the database.
// Every item is validated as the API validates; an invalid seed fails with
// INVALID_ARGUMENT naming the file and the item, and nothing is stored.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/knowledge/seed_files.h"
#include "server/storage/connection.h"
#include "server/storage/database.h"

namespace pumpurs::knowledge {

struct SeedCounts {
  int added = 0;
  int updated = 0;
  int unchanged = 0;
  int kept_edited = 0;  // changed in the seed, but edited through the API
};

// In the caller's (write) transaction.
absl::StatusOr<SeedCounts> LoadSeed(storage::Connection& conn,
                                    const std::vector<SeedFile>& files,
                                    absl::Time now);

// LoadSeed(EmbeddedSeedFiles()) in a write of its own.
absl::StatusOr<SeedCounts> LoadEmbeddedSeed(storage::Database& db);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_SEED_LOADER_H_
