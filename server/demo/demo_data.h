#ifndef PUMPURS_SERVER_DEMO_DEMO_DATA_H_
#define PUMPURS_SERVER_DEMO_DEMO_DATA_H_

#include "absl/status/status.h"
#include "server/storage/database.h"

namespace pumpurs::demo {

// Every demo account's password (README lists the accounts). Demo databases
// are for trying the system out, never for real data.
inline constexpr char kDemoPassword[] = "demo-parole-2026";
// The API key of the demo service account "viis".
inline constexpr char kDemoApiKey[] = "pak_demo_viis_integration_key";

// Seeds invented demo data (two municipalities, their institutions, staff,
// guardians and pupils) into a database that has no municipalities yet;
// and an account for each role (see README); does nothing otherwise. All
// names are fictional.
absl::Status SeedIfEmpty(storage::Database& db);

}  // namespace pumpurs::demo

#endif  // PUMPURS_SERVER_DEMO_DEMO_DATA_H_
