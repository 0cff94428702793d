#ifndef PUMPURS_SERVER_DEMO_DEMO_DATA_H_
#define PUMPURS_SERVER_DEMO_DEMO_DATA_H_

#include "absl/status/status.h"
#include "server/storage/database.h"

namespace pumpurs::demo {

// Seeds invented demo data (two municipalities, their institutions, staff,
// guardians and pupils) into a database that has no municipalities yet;
// does nothing otherwise. All names are fictional.
absl::Status SeedIfEmpty(storage::Database& db);

}  // namespace pumpurs::demo

#endif  // PUMPURS_SERVER_DEMO_DEMO_DATA_H_
